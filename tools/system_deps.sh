#!/usr/bin/env bash
# System packages the test suite drives for real: Debian's Chromium (browser tests, through Playwright,
# which cannot download its own browser here), ffmpeg for ffprobe, DejaVu fonts, WenQuanYi Micro Hei (the
# video texts' CJK glyphs, which DejaVu lacks), Node.js (the JavaScript
# snippet test). Installed with apt-get when running as root; otherwise each missing one is named loudly and
# the tests that need it are skipped with that reason in pytest's summary (never silently).
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
  echo "!! apt-get could not install: ${missing[*]}" >&2
fi
cat >&2 <<MSG
!!
!! Missing system packages: ${missing[*]}
!! The tests that need them will be SKIPPED (reasons in pytest's summary).
!! Install them with: sudo apt-get install --no-install-recommends ${missing[*]}
!!
MSG
exit 0
