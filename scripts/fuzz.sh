#!/bin/sh
# Runs every fuzz target of the module for FUZZTIME (default 30s) each, one
# after the other, whether an earlier one failed or not; lists the failed
# ones at the end and only then exits non-zero. `make fuzz` runs it.
#
# GO (default go) is the Go command. A failing input is kept in the
# package's testdata/fuzz/, where plain `go test` replays it.
#
# One failure is not counted at first sight: Go up to 1.26 can end a
# target that found nothing with "context deadline exceeded" when
# FUZZTIME runs out while a worker is busy (go.dev/issue/75804, fixed in
# Go 1.27). A target whose only failure is that line, with no failing
# input written, runs once more, and the second result counts.
set -u
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# deadline_race FILE TARGET: the output is the coordinator's race alone.
deadline_race() {
	[ "$(grep -c -- '--- FAIL' "$1")" = 1 ] &&
		[ "$(grep -A1 -- "--- FAIL: $2 (" "$1" | sed -n 2p)" = "    context deadline exceeded" ] &&
		! grep -q -e 'Failing input written' -e 'failure while testing seed corpus' -e 'build failed' -e '^panic:' "$1"
}

n=0
failed=""
rerun=""
for d in $(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '/testdata/' | xargs -n1 dirname | sort -u); do
	for t in $(grep -h '^func Fuzz' "$d"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/' | sort -u); do
		n=$((n + 1))
		for try in 1 2; do
			echo "== $d $t"
			{
				"$GO" test -run '^$' -fuzz "^$t\$" -fuzztime "$FUZZTIME" "$d"
				echo $? >"$tmp/rc"
			} 2>&1 | tee "$tmp/out"
			if [ "$(cat "$tmp/rc")" = 0 ]; then
				break
			fi
			if [ "$try" = 1 ] && deadline_race "$tmp/out" "$t"; then
				echo "fuzz: $d $t ended with Go's fuzztime deadline race (go.dev/issue/75804), no failing input; once more"
				rerun="$rerun $d:$t"
				continue
			fi
			failed="$failed $d:$t"
			break
		done
	done
done
if [ -n "$rerun" ]; then
	echo "fuzz: run again after the deadline race:$rerun"
fi
if [ -n "$failed" ]; then
	echo "fuzz: $(echo $failed | wc -w) of $n targets failed:"
	for f in $failed; do
		echo "  $f"
	done
	exit 1
fi
echo "fuzz: all $n targets passed ($FUZZTIME each)"
