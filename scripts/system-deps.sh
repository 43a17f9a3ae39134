#!/usr/bin/env bash
# Installs the few system packages the suite needs when this machine lacks them (Debian, as root):
#   unixodbc   -> libodbc.so.2, so pyodbc imports (the ledger's SQL Server support)
#   postgresql -> initdb/pg_ctl, so the ledger tests run a throwaway PostgreSQL on loopback
# Prints nothing and changes nothing when everything is present.
set -euo pipefail
missing=()
ldconfig -p 2>/dev/null | grep -q 'libodbc\.so\.2' || missing+=(unixodbc)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: please install: ${missing[*]} (needs root and apt-get)" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
