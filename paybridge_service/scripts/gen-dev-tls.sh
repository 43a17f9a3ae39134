#!/usr/bin/env bash
# Make a development TLS certificate for Paybridge on https://127.0.0.1 / https://localhost.
#   scripts/gen-dev-tls.sh [OUT_DIR]      (default: paybridge_service/local/dev-certs)
# Writes, in OUT_DIR:
#   paybridge-local-ca.pem   a private root CA: import it as trusted on the till PC (Windows: certmgr.msc →
#                            Trusted Root Certification Authorities) so the browser accepts Paybridge
#   paybridge-local.pem      the server certificate (PAYBRIDGE_TLS_CERT), signed by that CA
#   paybridge-local-key.pem  its private key (PAYBRIDGE_TLS_KEY), mode 600
# The CA's own key is deleted, so it can sign nothing else. mkcert does the same job (see README).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/local/dev-certs}"
days="${PAYBRIDGE_DEV_CERT_DAYS:-825}"
command -v openssl >/dev/null || { echo "gen-dev-tls.sh: openssl is not on PATH" >&2; exit 1; }
mkdir -p "$out"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
  -subj "/CN=Paybridge local dev CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$work/ca-key.pem" -out "$out/paybridge-local-ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=localhost" -keyout "$out/paybridge-local-key.pem" -out "$work/server.csr" 2>/dev/null
printf '%s\n' \
  "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth" >"$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$out/paybridge-local-ca.pem" -CAkey "$work/ca-key.pem" \
  -CAcreateserial -CAserial "$work/ca.srl" -days "$days" -extfile "$work/server.ext" \
  -out "$out/paybridge-local.pem" 2>/dev/null
chmod 600 "$out/paybridge-local-key.pem"
chmod 644 "$out/paybridge-local.pem" "$out/paybridge-local-ca.pem"
echo "# trust $out/paybridge-local-ca.pem in the browser / OS, then:"
echo "export PAYBRIDGE_TLS_CERT=$out/paybridge-local.pem"
echo "export PAYBRIDGE_TLS_KEY=$out/paybridge-local-key.pem"
