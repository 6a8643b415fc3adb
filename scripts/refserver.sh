# Sourced by smoke.sh and bench-scale.sh (not run on its own).
#
# start_refserver BIN WORK ACCOUNT starts the reference server binary BIN on
# a free loopback port (18500-18999) with a SQLite store WORK/refserver.db,
# log WORK/refserver.log and a fresh token WORK/token seeded for ACCOUNT,
# waits until it answers, and sets port and pid (the caller's cleanup kills
# pid), SCIM_TENANT_URL and SCIM_TOKEN (exported). It calls the caller's
# fail function when no port is free or the server does not start.
start_refserver() {
	local bin=$1 work=$2 account=$3 p
	port=""
	# A free port is one nothing answers on.
	for p in $(seq 18500 18999); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
	done
	[ -n "$port" ] || fail "no free port in 18500-18999"
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/token"
	chmod 600 "$work/token"
	"$bin" --addr "127.0.0.1:$port" --db "$work/refserver.db" --seed-account "$account" \
		--seed-token-file "$work/token" > "$work/refserver.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null || { cat "$work/refserver.log" >&2; fail "refserver did not start"; }
	export SCIM_TENANT_URL="http://127.0.0.1:$port/api/v1/scim/azure/$account"
	SCIM_TOKEN="$(cat "$work/token")"
	export SCIM_TOKEN
}
