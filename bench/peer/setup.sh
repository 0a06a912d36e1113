#!/bin/sh
# Installs the pinned PostGraphile (package-lock.json) for bench/dashboard.py. Needs Node >= 20 and npm.
set -e
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
