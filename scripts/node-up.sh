#!/usr/bin/env bash
# Installs Debian's nodejs and npm when missing, for the scimmy calibration
# target (suites/calibration/scimmy). Idempotent.
set -euo pipefail
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	echo "node $(node --version), npm $(npm --version) already installed"
	exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends nodejs npm
node --version
