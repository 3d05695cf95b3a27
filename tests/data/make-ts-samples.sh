#!/usr/bin/env bash
# Writes the MPEG-TS samples the unit tests read (test_tsstream.c,
# test_tr101290.c): short, small streams from ffmpeg's test sources, as an
# encoder would send them. Needs ffmpeg (Debian package ffmpeg). Run it
# again after changing it and commit the result.
set -eu
cd "$(dirname "$0")"
common=(-hide_banner -loglevel error -y -fflags +bitexact -flags +bitexact)
# H.264-free, so any ffmpeg build can make it: MPEG-2 video and MP2 audio,
# one program with a service and provider name, PCR every 20 ms.
ffmpeg "${common[@]}" -f lavfi -i testsrc=size=96x64:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1.2 \
  -c:v mpeg2video -b:v 200k -g 12 -c:a mp2 -b:a 64k \
  -metadata service_name="mcwatch test" -metadata service_provider="mcwatch" \
  -mpegts_service_id 7 -pcr_period 20 -muxrate 600k \
  -f mpegts clean.ts
