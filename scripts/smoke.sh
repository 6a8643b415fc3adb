#!/usr/bin/env bash
# make smoke: the README's main paths, run as a new user types them, from
# built binaries: refserver, test-connection, two cycles, status, logs, a
# scenario and a reproduce. Loopback only; everything in a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/refserver.sh
GO="${GO:-go}"
work="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== smoke: %s\n' "$*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

step "build entrasim and refserver"
"$GO" build -o "$work/bin/entrasim" ./client/cmd/entrasim
"$GO" build -o "$work/bin/refserver" ./reference-server/cmd/refserver
export PATH="$work/bin:$PATH"

start_refserver "$work/bin/refserver" "$work" acme
step "refserver on 127.0.0.1:$port"

step "entrasim test-connection"
entrasim test-connection

step "entrasim cycle (initial, then incremental)"
entrasim cycle --directory fixtures/directories/small.yaml --state "$work/job.db" | tee "$work/cycle1.txt"
grep -q '(initial)' "$work/cycle1.txt" || fail "the first cycle is not initial"
entrasim cycle --directory fixtures/directories/small.yaml --state "$work/job.db" | tee "$work/cycle2.txt"
grep -q '(incremental)' "$work/cycle2.txt" || fail "the second cycle is not incremental"

step "entrasim run (more cycles on the simulated clock)"
entrasim run --cycles 3 --directory fixtures/directories/small.yaml --state "$work/job.db"

step "entrasim provision (on demand)"
entrasim provision --user alice.anders@contoso.com --directory fixtures/directories/small.yaml --state "$work/job.db"

step "entrasim status"
entrasim status --state "$work/job.db" --json > "$work/status.json"
grep -q '"Active"' "$work/status.json" || { cat "$work/status.json"; fail "the job is not Active"; }

step "entrasim logs (JSON and CSV)"
entrasim logs --state "$work/job.db" --format json > "$work/logs.json"
grep -q '"@odata.context"' "$work/logs.json" || fail "logs --format json is not Graph's list response"
entrasim logs --state "$work/job.db" --format csv --out "$work/logs"
ls "$work/logs"/*.csv > /dev/null || fail "no CSV files"

step "entrasim scenario run quarantine-on-tuesday"
entrasim scenario run quarantine-on-tuesday

step "entrasim reproduce (a record of the cycle, on a throwaway server)"
entrasim reproduce --log "$work/logs.json" --index 0

step "entrasim directory generate, then a cycle of it"
entrasim directory generate --users 50 --groups 5 --out "$work/gen.yaml"
entrasim cycle --directory "$work/gen.yaml" --state "$work/gen.db"

step "all README paths passed"
