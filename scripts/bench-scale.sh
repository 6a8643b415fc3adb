#!/usr/bin/env bash
# make bench-scale [USERS=10000] [GROUPS=500] [CONCURRENCY=4] [SEED=1] (issue 16)
# (or scripts/bench-scale.sh with BENCH_USERS, BENCH_GROUPS, BENCH_CONCURRENCY, BENCH_SEED,
# BENCH_SCOPE=all|assigned, BENCH_CHANGED=1000):
# generates a directory of USERS users and GROUPS groups (scope all), starts refserver on
# loopback with a SQLite store, and times three entrasim cycles against it:
#   1. initial            (everything created)
#   2. no-change          (incremental, same directory)
#   3. 1,000 changed      (incremental, jobTitle of the first 1,000 enabled users edited)
# then prints objects/s of the initial cycle, the peak RSS of entrasim (the
# largest of its three runs) and of refserver, and the cycles' wall times.
# Peak RSS is VmHWM from /proc/PID/status: refserver's is read once at the end
# (it is still running); entrasim's comes from GNU time -v when installed,
# otherwise from polling its VmHWM while it runs (a close lower bound).
# Scale target: 1,000,000 users + 50,000 groups with entrasim <= 1 GiB,
# refserver <= 3 GiB, no-change incremental <= 10 s, 1,000 changed <= 15 s.
# BENCH_ENTRASIM_GOMEMLIMIT sets GOMEMLIMIT for entrasim alone (refserver keeps
# its own --memory-limit), to measure a directory larger than entrasim's
# default soft limit without the collector thrashing.
# Loopback only; everything in a temp folder (BENCH_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/refserver.sh
GO="${GO:-go}"
# The script's own settings are BENCH_*: GROUPS is a bash builtin array whose
# value cannot be set (make passes USERS/GROUPS/... as BENCH_USERS/...).
USERS="${BENCH_USERS:-10000}"
NGROUPS="${BENCH_GROUPS:-500}"
CONCURRENCY="${BENCH_CONCURRENCY:-4}"
SEED="${BENCH_SEED:-1}"
CHANGED="${BENCH_CHANGED:-1000}"
# The issue's target is "scope all"; BENCH_SCOPE=assigned benchmarks the assigned layout.
SCOPE="${BENCH_SCOPE:-all}"
KEEP="${BENCH_KEEP:-}"
ESLIMIT="${BENCH_ENTRASIM_GOMEMLIMIT:-}"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-scale.XXXXXX")"
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	if [ -n "$KEEP" ]; then echo "bench-scale: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n== bench-scale: %s\n' "$*" >&2; }
fail() { echo "bench-scale: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# VmHWM of a running process, in KiB (0 when it is gone).
hwm() { awk '/^VmHWM:/ { print $2; f = 1 } END { if (!f) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

gnutime=""
if [ -z "${BENCH_NO_GNU_TIME:-}" ] && [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then gnutime=/usr/bin/time; fi

step "build entrasim and refserver"
"$GO" build -o "$work/bin/entrasim" ./client/cmd/entrasim
"$GO" build -o "$work/bin/refserver" ./reference-server/cmd/refserver
entrasim="$work/bin/entrasim"
# GOMEMLIMIT must reach entrasim only: refserver would read it too.
unset GOMEMLIMIT
esenv=(env)
[ -z "$ESLIMIT" ] || esenv=(env "GOMEMLIMIT=$ESLIMIT")

step "generate $USERS users, $NGROUPS groups (seed $SEED, scope $SCOPE)"
t0=$(now)
"$entrasim" directory generate --users "$USERS" --groups "$NGROUPS" --seed "$SEED" --scope "$SCOPE" --out "$work/dir.yaml" >&2
t_gen=$(elapsed "$t0" "$(now)")

# The same directory with the jobTitle of the first CHANGED enabled, existing users
# (in scope with scope all) rewritten: one line per user, so the rest of the file is
# byte for byte the same. A user's entry is held until it ends, to see whether it is
# disabled or deleted (those lines follow jobTitle).
awk -v n="$CHANGED" '
	function flush(   i) {
		if (nbuf == 0) return
		if (c < n && jt > 0 && !off) { c++; buf[jt] = "    jobTitle: \"Bench Changed Title " c "\"" }
		for (i = 1; i <= nbuf; i++) print buf[i]
		nbuf = 0; jt = 0; off = 0
	}
	/^users:/ { flush(); inusers = 1; print; next }
	/^[a-z]/ { flush(); inusers = 0 }
	inusers && /^  - / { flush() }
	inusers {
		buf[++nbuf] = $0
		if ($0 ~ /^    jobTitle:/) jt = nbuf
		if ($0 ~ /^    (accountEnabled: false|deleted:)/) off = 1
		next
	}
	{ print }
	END { flush(); print c > "/dev/stderr" }
' "$work/dir.yaml" > "$work/dir-changed.yaml" 2> "$work/changed.count"
changed=$(cat "$work/changed.count")
[ "$changed" -gt 0 ] || fail "no jobTitle rewritten in the directory"

start_refserver "$work/bin/refserver" "$work" bench
step "refserver on 127.0.0.1:$port (store $work/refserver.db)"

# cycle NAME DIRECTORY: one entrasim cycle; sets t_NAME (s) and rss_NAME (KiB).
cycle() {
	local name=$1 dir=$2 start end rc=0 kib=0 cpid h
	step "entrasim cycle: $name"
	start=$(now)
	if [ -n "$gnutime" ]; then
		"$gnutime" -v -o "$work/time-$name.txt" "${esenv[@]}" "$entrasim" cycle --directory "$dir" --state "$work/job.db" --concurrency "$CONCURRENCY" > "$work/cycle-$name.txt" 2>&1 || rc=$?
		end=$(now)
		kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time-$name.txt")
	else
		"${esenv[@]}" "$entrasim" cycle --directory "$dir" --state "$work/job.db" --concurrency "$CONCURRENCY" > "$work/cycle-$name.txt" 2>&1 &
		cpid=$!
		while kill -0 "$cpid" 2>/dev/null; do
			h=$(hwm "$cpid")
			if [ "$h" -gt "$kib" ]; then kib=$h; fi
			sleep 0.05
		done
		wait "$cpid" || rc=$?
		end=$(now)
	fi
	tail -n 5 "$work/cycle-$name.txt" >&2
	[ "$rc" -eq 0 ] || { cat "$work/cycle-$name.txt" >&2; fail "cycle $name exited $rc"; }
	printf -v "t_$name" '%s' "$(elapsed "$start" "$end")"
	printf -v "rss_$name" '%s' "${kib:-0}"
}

cycle initial "$work/dir.yaml"
grep -q '(initial)' "$work/cycle-initial.txt" || fail "the first cycle is not initial"
cycle nochange "$work/dir.yaml"
grep -q '(incremental)' "$work/cycle-nochange.txt" || fail "the second cycle is not incremental"
cycle changed "$work/dir-changed.yaml"
grep -q '(incremental)' "$work/cycle-changed.txt" || fail "the third cycle is not incremental"

rss_ref=$(hwm "$pid")
kill -0 "$pid" 2>/dev/null || fail "refserver died during the run"
rss_es=$rss_initial
for k in "$rss_nochange" "$rss_changed"; do
	if [ "$k" -gt "$rss_es" ]; then rss_es=$k; fi
done
# rate N SECONDS: N per second.
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0 && n > 0) printf "%.0f", n / t; else print "n/a" }'; }
objects=$((USERS + NGROUPS))
# In scope: the total of the initial cycle's last progress line ("cycle: 7674/7674 (100%), 4s").
inscope=$(tr '\r' '\n' < "$work/cycle-initial.txt" | sed -n 's|^cycle: [0-9]*/\([0-9]*\) .*|\1|p' | tail -n 1)
requests=$(sed -n 's/.*; \([0-9]*\) requests;.*/\1/p' "$work/cycle-initial.txt" | tail -n 1)
dbsize=$(du -k "$work/refserver.db"* 2>/dev/null | awk '{ s += $1 } END { printf "%.1f", s / 1024 }')
rssfrom="GNU time -v"
[ -n "$gnutime" ] || rssfrom="/proc VmHWM polling"

printf '\nbench-scale: %s users + %s groups, scope %s, concurrency %s, seed %s (%s users changed)%s\n' "$USERS" "$NGROUPS" "$SCOPE" "$CONCURRENCY" "$SEED" "$changed" "${ESLIMIT:+, entrasim GOMEMLIMIT=$ESLIMIT}"
printf '%-34s %12s\n' "measure" "value"
printf '%-34s %12s\n' "----------------------------------" "------------"
printf '%-34s %12s\n' "directory generate (s)" "$t_gen"
printf '%-34s %12s\n' "initial cycle (s)" "$t_initial"
printf '%-34s %12s\n' "initial objects/s (directory)" "$(rate "$objects" "$t_initial")"
printf '%-34s %12s\n' "initial objects/s (${inscope:-?} in scope)" "$(rate "${inscope:-0}" "$t_initial")"
printf '%-34s %12s\n' "initial requests/s (${requests:-?})" "$(rate "${requests:-0}" "$t_initial")"
printf '%-34s %12s\n' "no-change incremental (s)" "$t_nochange"
printf '%-34s %12s\n' "$changed changed users incremental (s)" "$t_changed"
printf '%-34s %12s\n' "entrasim peak RSS (MiB)" "$(mib "$rss_es")"
printf '%-34s %12s\n' "  initial / no-change / changed" "$(mib "$rss_initial")/$(mib "$rss_nochange")/$(mib "$rss_changed")"
printf '%-34s %12s\n' "refserver peak RSS (MiB, VmHWM)" "$(mib "$rss_ref")"
printf '%-34s %12s\n' "refserver store on disk (MiB)" "$dbsize"
printf '(entrasim RSS from %s; targets at 1M+50k: entrasim <= 1024 MiB, refserver <= 3072 MiB, no-change <= 10 s, 1,000 changed <= 15 s)\n' "$rssfrom"
