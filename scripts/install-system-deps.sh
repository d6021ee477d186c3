#!/usr/bin/env bash
# Debian packages: independent peers the tests use (xmlsec1, pdfsig, certutil), the browser
# the Playwright tests drive (Debian's chromium: no browser is downloaded), and the serif font
# signature appearances are set in at run time (fonts-liberation2), SoftHSM2 and OpenSC for the
# PKCS#11 token tests; for operations: HAProxy (the load balancer in front of a node's
# processes), Prometheus's promtool (alert rules checked and unit-tested), pgBackRest (continuous
# archiving of a node's PostgreSQL), Patroni (its example configuration validated).
# Installs only what is missing; needs root (CI runs as root). Without root, says what to install.
set -euo pipefail
need=()
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
# Liberation Serif (Times-compatible, Vietnamese glyphs) for the text of signature appearances.
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
# A PKCS#11 token in a temporary directory (SoftHSM2) and its key tool (pkcs11-tool, OpenSC).
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need+=(opensc)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v pgbackrest >/dev/null 2>&1 || need+=(pgbackrest)
command -v patroni >/dev/null 2>&1 || need+=(patroni)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
