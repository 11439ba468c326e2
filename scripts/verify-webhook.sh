#!/usr/bin/env bash
# Checks a trainyard webhook request the Standard Webhooks way, with openssl alone: HMAC-SHA256 with the secret over
# "<webhook-id>.<webhook-timestamp>.<body>", base64, matched against the webhook-signature header's v1 entries.
#
#   scripts/verify-webhook.sh <whsec_ secret> <webhook-id> <webhook-timestamp> '<webhook-signature>' < body
#
# Prints "verified" and exits 0, or says why not and exits 1. A timestamp more than 5 minutes from now is refused,
# so a recorded request cannot be replayed later. (A receiver in production should compare in constant time, as the
# Standard Webhooks libraries do.)
set -euo pipefail
if [ $# -ne 4 ]; then
  sed -n '5p' "$0" >&2
  exit 2
fi
secret=$1 id=$2 timestamp=$3 signatures=$4
now=$(date +%s)
if ! [[ $timestamp =~ ^[0-9]+$ ]] || (( timestamp < now - 300 || timestamp > now + 300 )); then
  echo "webhook-timestamp is not within 5 minutes of now" >&2
  exit 1
fi
key=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
# the body is read from stdin byte for byte: no trailing newline is added or removed
expected=$({ printf '%s.%s.' "$id" "$timestamp"; cat; } \
  | openssl dgst -sha256 -binary -mac HMAC -macopt "hexkey:$key" | base64)
for signature in $signatures; do
  if [ "$signature" = "v1,$expected" ]; then
    echo verified
    exit 0
  fi
done
echo "no signature matches" >&2
exit 1
