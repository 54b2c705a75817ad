#!/usr/bin/env bash
# Makes the files an overlay's secretGenerator reads, for a TEST install: random passwords and keys, a private CA
# for the store's mutual TLS, and a self-signed certificate for the mail ports and the console.
#
#   deploy/kubernetes/make-test-secrets.sh DIR [NAMESPACE] [MAIL_HOST] [CONSOLE_HOST]
#   e.g. deploy/kubernetes/make-test-secrets.sh deploy/kubernetes/overlays/dev/secrets mail-dev
#
# NAMESPACE (default mail) goes into the store's certificate names (store-service.NAMESPACE.svc ...): the front ends
# check the store's host name. MAIL_HOST (default mail.example.test) and CONSOLE_HOST (default
# console.mail.example.test) name the public certificate. Files that exist are kept, so running it again changes
# nothing; delete a file to make it anew. For production, put real certificates in place of mail-tls.* (and keep
# store-ca.key out of the directory once the certificates are issued). Needs openssl.
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
dir=$1
namespace=${2:-mail}
mail_host=${3:-mail.example.test}
console_host=${4:-console.mail.example.test}
command -v openssl >/dev/null || { echo "make-test-secrets.sh: openssl is needed" >&2; exit 1; }

mkdir -p "$dir"
cd "$dir"
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

random() { openssl rand -hex "$1"; }
put() { # put FILE VALUE: writes VALUE without a newline unless FILE exists
  [[ -e $1 ]] || printf '%s' "$2" > "$1"
}
eckey() { # eckey FILE: an EC P-256 private key, PEM PKCS#8
  [[ -e $1 ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}
issue() { # issue NAME SUBJECT_CN DAYS EXTFILE SIGNER(ca|self)
  local name=$1 cn=$2 days=$3 ext=$4 signer=$5
  [[ -e $name.crt ]] && return 0
  eckey "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$work/$name.csr" 2>/dev/null
  if [[ $signer == self ]]; then
    openssl x509 -req -in "$work/$name.csr" -signkey "$name.key" -days "$days" -sha256 \
      -extfile "$ext" -out "$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$work/$name.csr" -CA store-ca.crt -CAkey store-ca.key -CAcreateserial \
      -CAserial "$work/ca.srl" -days "$days" -sha256 -extfile "$ext" -out "$name.crt" 2>/dev/null
  fi
}

put db-username mail
put db-password "$(random 24)"
put s3-access-key "mail$(random 8)"
put s3-secret-key "$(random 24)"
put admin-password "$(random 12)"

# The store's private CA (ten years) and its certificates (two years).
cat > "$work/ca.ext" <<EXT
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
EXT
issue store-ca "mail-platform store CA" 3650 "$work/ca.ext" self

cat > "$work/store.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:store-service,DNS:store-service.$namespace,DNS:store-service.$namespace.svc,DNS:store-service.$namespace.svc.cluster.local,DNS:localhost
EXT
issue store-service store-service 730 "$work/store.ext" ca

for client in imap-service pop3-service lmtp-service admin-ui; do
  cat > "$work/$client.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:$client,DNS:$client.$namespace.svc
EXT
  issue "$client" "$client" 730 "$work/$client.ext" ca
done

# The certificate of the mail ports (IMAPS, POP3S, STARTTLS/STLS) and of the console's Ingress: self-signed.
cat > "$work/mail.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$mail_host,DNS:$console_host,DNS:localhost
EXT
issue mail-tls "$mail_host" 365 "$work/mail.ext" self

chmod 600 ./*.key db-password s3-secret-key admin-password
echo "test secrets in $(pwd) (namespace $namespace; public names $mail_host, $console_host)"
