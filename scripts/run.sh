#!/usr/bin/env bash
# Sets up everything, builds Wolfe and runs it all-in-one (`wolfe serve`:
# embedded SQLite in ./wolfe-data, HTTP on 127.0.0.1:8080, the example team
# and runbooks). Once it is up, a sample Alertmanager alert is posted so you
# see an event turn into an execution; Wolfe keeps serving until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cargo build --locked -p wolfe-cli
wolfe="${CARGO_TARGET_DIR:-target}/debug/wolfe"

"$wolfe" serve "$@" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM

base=http://127.0.0.1:8080
for _ in $(seq 1 600); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || exit 1
  sleep 0.5
done
# The default webhook sources take the webhook token; the management API
# takes team tokens (the first admin token is created on first start).
token=$(cat wolfe-data/api-token)
admin=$(cat wolfe-data/admin-token)
echo
echo "== POST a sample Alertmanager notification to $base/api/v1/events/alertmanager"
accepted=$(curl -fs -X POST -H "Authorization: Bearer $token" \
  --data-binary @ingest/tests/fixtures/alertmanager/firing-group.json \
  "$base/api/v1/events/alertmanager")
echo "$accepted"
execution=$(printf '%s' "$accepted" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][0]["executions"][0])')
echo "== GET $base/api/v1/executions/$execution (once it has finished)"
for _ in $(seq 1 120); do
  record=$(curl -fs -H "Authorization: Bearer $admin" "$base/api/v1/executions/$execution")
  status=$(printf '%s' "$record" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  case "$status" in queued|running) sleep 0.5 ;; *) break ;; esac
done
printf '%s' "$record" | python3 -m json.tool
echo
echo "Wolfe keeps serving on $base (Ctrl-C to stop). Studio login: $base/#token=$admin"
wait $server
