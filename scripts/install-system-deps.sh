#!/usr/bin/env bash
# Debian packages the tests use: independent peers (xmlsec1, pdfsig, certutil) and the browser
# the Playwright tests drive (Debian's chromium: no browser is downloaded).
# Installs only what is missing; needs root (CI runs as root). Without root, says what to install.
set -euo pipefail
need=()
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
