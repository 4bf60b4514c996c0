#!/usr/bin/env bash
# Debian packages the project needs beyond PyPI: Chromium for the browser test; libfribidi, which the raqm
# layout bundled in Pillow's wheels loads at run time to shape Thai text (rich menu and chart images); nginx,
# systemd-analyze, pg_dump and openssl for tests/deploy. Installs only what is missing; needs root (CI runs as root).
set -euo pipefail
need=()
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ldconfig -p 2>/dev/null | grep -q libfribidi || need+=(libfribidi0)
# tests/deploy: nginx runs the shipped site config in front of the app; systemd-analyze checks the shipped units;
# pg_dump/pg_restore (PostgreSQL's client) and openssl (the test's throwaway certificate) back the backup tests.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v wrk >/dev/null 2>&1 || need+=(wrk)  # bench-only: bench/bench_flood.py floods the webhook with it
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "note: missing system packages (${need[*]}); run as root or install them: apt-get install ${need[*]}" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
# Installing nginx must not start a web server on port 80 of a CI box: policy-rc.d (exit 101) tells the
# package scripts not to start services, for this install only (an existing policy is left alone).
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
trap 'if [ -n "$own_policy" ]; then rm -f "$policy"; fi' EXIT
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
