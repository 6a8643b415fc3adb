#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, for the container tests.
#
# When `docker info` already answers, it does nothing. Otherwise it installs
# docker.io from Debian packages when dockerd is missing, then starts dockerd
# in the background without a bridge network (the reference-server container
# runs with host networking, so none is needed, and creating one is not
# allowed here) and waits until the engine answers.
#
# Env: DOCKER_UP_TIMEOUT (seconds to wait for the engine, default 60),
#      DOCKER_UP_LOG (dockerd log file, default /var/log/dockerd-up.log).
set -euo pipefail

timeout_s="${DOCKER_UP_TIMEOUT:-60}"
log="${DOCKER_UP_LOG:-/var/log/dockerd-up.log}"

say() { echo "docker-up: $*" >&2; }

if docker info >/dev/null 2>&1; then
	say "engine already answers"
	exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
	say "dockerd missing: installing docker.io from Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if ! command -v dockerd >/dev/null 2>&1; then
	say "error: dockerd still missing after installing docker.io"
	exit 1
fi

say "starting dockerd (log: $log)"
mkdir -p "$(dirname "$log")"
# setsid: dockerd outlives this script and is not tied to its terminal.
setsid dockerd --bridge=none --iptables=false --ip-masq=false >>"$log" 2>&1 < /dev/null &
pid=$!

for ((i = 0; i < timeout_s * 2; i++)); do
	if docker info >/dev/null 2>&1; then
		say "engine answers after ~$((i / 2))s (dockerd pid $pid)"
		exit 0
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		say "error: dockerd exited; last lines of $log:"
		tail -n 20 "$log" >&2
		exit 1
	fi
	sleep 0.5
done
say "error: no answer from dockerd within ${timeout_s}s; last lines of $log:"
tail -n 20 "$log" >&2
exit 1
