#!/usr/bin/env bash
# Starts the release server for the end-to-end tests on a new SQLite database with the demo
# data, on the port Playwright chose. The database folder is removed when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${GRIDHALL_BIN:-$(pwd)/target/release/gridhall}"
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
export DATABASE_URL="sqlite://$folder/e2e.db"
export GRIDHALL_LISTEN="127.0.0.1:${E2E_PORT:?E2E_PORT is set by playwright.config.mjs}"
export GRIDHALL_LOG=warn
"$bin" demo
"$bin" serve &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server; rm -rf "$folder"' EXIT INT TERM
wait $server
