#!/usr/bin/env bash
# Debian packages the project needs beyond PyPI: Chromium for the browser test; libfribidi, which the raqm
# layout bundled in Pillow's wheels loads at run time to shape Thai text (rich menu and chart images). Installs only what is missing; needs root (CI runs as root).
set -euo pipefail
need=()
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ldconfig -p 2>/dev/null | grep -q libfribidi || need+=(libfribidi0)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "note: missing system packages (${need[*]}); run as root or install them: apt-get install ${need[*]}" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
