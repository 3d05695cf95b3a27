/*
 * The terminal guard of every full-screen mode (the monitor, the beacon
 * matrix): nothing may leave the terminal raw or on the alternate screen.
 * Before curses starts it remembers the terminal's modes and stdin's file
 * flags; while curses is on, a fatal signal writes the terminal's own
 * strings to leave the alternate screen, show the cursor, reset attributes
 * and the keypad mode (endwin is not async-signal-safe), restores the
 * modes with tcsetattr and dies by the signal; signals that would end the
 * program for no reason are caught by a handler that does nothing.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "termguard.h"

static int stdin_flags = -1;
/*
 * Signals whose default action would end the program with the terminal
 * raw. The fatal ones (a fault, an abort, Ctrl-\, a resource limit) still
 * end it, after the handler below restored the terminal; the harmless ones
 * (nobody asked mcwatch to stop) are caught by a handler that does nothing,
 * rather than ignored, so programs started from here get the defaults back.
 * SIGINT, SIGTERM and SIGHUP stop the session cleanly (src/app/session.c),
 * SIGWINCH resizes, SIGTSTP and SIGCONT suspend and resume (curses and
 * on_cont below); SIGKILL and SIGSTOP cannot be caught.
 */
static const int fatal_signals[] = {SIGSEGV, SIGBUS,  SIGFPE, SIGILL,  SIGABRT,
                                    SIGQUIT, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ};
static const int harmless_signals[] = {SIGPIPE, SIGUSR1,   SIGUSR2,
                                       SIGALRM, SIGVTALRM, SIGPROF,
                                       SIGPOLL, SIGSTKFLT, SIGPWR};
#define MAX_SIGNALS 65 /* signal numbers 1 to 64 */
static struct sigaction sig_old[MAX_SIGNALS];
static bool sig_taken[MAX_SIGNALS];
static struct termios saved_termios;
static bool have_termios;
static char restore_seq[128];
static size_t restore_len;
static volatile sig_atomic_t fatal_armed;

/* Appends terminfo capability cap to restore_seq, without padding. */
static void add_restore_cap(const char *cap) {
  const char *s = tigetstr(cap);

  if (s == NULL || s == (char *)-1)
    return;
  for (; *s != '\0' && restore_len < sizeof(restore_seq); s++) {
    if (s[0] == '$' && s[1] == '<' && strchr(s, '>') != NULL) {
      s = strchr(s, '>'); /* a delay such as $<5>: nothing to send */
      continue;
    }
    restore_seq[restore_len++] = *s;
  }
}

static void on_fatal_signal(int sig) {
  if (fatal_armed) {
    ssize_t w = write(1, restore_seq, restore_len);
    (void)w;
    if (have_termios)
      (void)tcsetattr(0, TCSADRAIN, &saved_termios);
    if (stdin_flags >= 0)
      (void)fcntl(0, F_SETFL, stdin_flags);
  }
  raise(sig); /* SA_RESETHAND: the default action now, a core if enabled */
}

static void on_harmless_signal(int sig) { (void)sig; }

/*
 * Installs handler for sig, unless the signal is ignored (a parent's
 * SIG_IGN stays) or, when only_default, handled by someone else already (a
 * profiler's SIGPROF). Fatal signals take over a sanitizer's handler.
 */
static void take_signal(int sig, void (*handler)(int), int flags,
                        bool only_default) {
  struct sigaction sa, old;

  if (sig <= 0 || sig >= MAX_SIGNALS || sig_taken[sig] ||
      sigaction(sig, NULL, &old) != 0 || old.sa_handler == SIG_IGN ||
      (only_default && old.sa_handler != SIG_DFL))
    return;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, &sig_old[sig]) == 0)
    sig_taken[sig] = true;
}

/* Installs the signal handlers once curses owns the terminal. */
void ui_guard_arm(void) {
  restore_len = 0;
  add_restore_cap("rmcup");
  add_restore_cap("cnorm");
  add_restore_cap("sgr0");
  add_restore_cap("rmkx"); /* keypad back to normal mode */
  for (size_t i = 0; i < MCW_ARRAY_LEN(fatal_signals); i++)
    take_signal(fatal_signals[i], on_fatal_signal, (int)SA_RESETHAND, false);
  for (size_t i = 0; i < MCW_ARRAY_LEN(harmless_signals); i++)
    take_signal(harmless_signals[i], on_harmless_signal, SA_RESTART, true);
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
    take_signal(sig, on_harmless_signal, SA_RESTART, true);
  fatal_armed = 1;
}

/* Puts the previous handlers back once the terminal is restored. */
void ui_guard_disarm(void) {
  if (!fatal_armed)
    return;
  fatal_armed = 0;
  for (int sig = 1; sig < MAX_SIGNALS; sig++)
    if (sig_taken[sig]) {
      sigaction(sig, &sig_old[sig], NULL);
      sig_taken[sig] = false;
    }
}

void ui_guard_begin(void) { have_termios = tcgetattr(0, &saved_termios) == 0; }

void ui_guard_stdin_flags(void) { stdin_flags = fcntl(0, F_GETFL); }

void ui_guard_stdin_back(void) {
  if (stdin_flags >= 0)
    (void)fcntl(0, F_SETFL, stdin_flags);
}
