#!/usr/bin/env bash
# Debian packages the tests drive for real: PostgreSQL now; later Dovecot, Chromium, systemd.
# Installs only what is missing, so a second run costs nothing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)  # tests run their own instances on free ports
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # self-signed certificates for the TLS tests
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)  # verify and score the user unit
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "syncd tests need these Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package may start a system Dovecot on 143/993; the tests never use it, so stop the one we just installed.
if [[ " ${need[*]} " == *" dovecot-imapd "* ]] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl stop dovecot >/dev/null 2>&1 || true
fi
