/*
 * The terminal guard shared by the full-screen modes (termguard.c):
 * internal to src/ui.
 */
#ifndef MCWATCH_UI_TERMGUARD_H
#define MCWATCH_UI_TERMGUARD_H

/* Remembers the terminal's modes; call before curses starts. */
void ui_guard_begin(void);
/* Remembers stdin's file flags (curses' nodelay changes them). */
void ui_guard_stdin_flags(void);
/* Puts stdin's file flags back. */
void ui_guard_stdin_back(void);
/* Catches fatal and harmless signals once curses owns the terminal. */
void ui_guard_arm(void);
/* Puts the previous signal handlers back, before endwin. */
void ui_guard_disarm(void);

#endif
