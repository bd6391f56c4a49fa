#!/usr/bin/env bash
# Starts the release server for the end-to-end tests on a new SQLite database with the demo
# data, on the port Playwright chose, sending its email to an SMTP server on loopback
# (end2end/smtp-sink.mjs) whose messages the tests read. The demo logins of this run are
# written to $E2E_LOGINS. Everything is removed when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${GRIDHALL_BIN:-$(pwd)/target/release/gridhall}"
folder=$(mktemp -d)
export DATABASE_URL="sqlite://$folder/e2e.db"
export GRIDHALL_LISTEN="127.0.0.1:${E2E_PORT:?E2E_PORT is set by playwright.config.mjs}"
export GRIDHALL_PUBLIC_URL="http://$GRIDHALL_LISTEN"
export GRIDHALL_SMTP_URL="smtp://127.0.0.1:${E2E_SMTP_PORT:?E2E_SMTP_PORT is set by playwright.config.mjs}"
export GRIDHALL_LOG=warn
export GRIDHALL_DOCUMENT_DIR="$folder/documents"
# Last month's billing run is started by the operator's test, not by the schedule.
export GRIDHALL_BILLING_SCHEDULE=false

node end2end/smtp-sink.mjs &
sink=$!
trap 'kill -TERM $sink 2>/dev/null; rm -rf "$folder"' EXIT
"$bin" demo --logins-file "${E2E_LOGINS:?E2E_LOGINS is set by playwright.config.mjs}" > /dev/null
"$bin" serve &
server=$!
trap 'kill -TERM $server $sink 2>/dev/null; wait $server; rm -rf "$folder"' EXIT INT TERM
wait $server
