#!/usr/bin/env bash
# Booking → first job offer delivered over WebSocket, p50/p99/max (benchmark, not a test).
# The client is examples/bench_offer_latency.rs; this script runs the release server for it.
#
#   scripts/bench-offer.sh                                  # SQLite, in-process geo + pub/sub
#   DATABASE_URL=postgres://…/postgres REDIS_URL=redis://… scripts/bench-offer.sh
#                                                           # PostgreSQL (a fresh database
#                                                           # reloop_bench_offer_<time>_<pid> is
#                                                           # created and dropped at the end)
#                                                           # + Redis (prefix bench-offer:<…>:,
#                                                           # its keys deleted at the end)
# Steps: start the server once (migrations + demo seed) and stop it; raise
# service_areas.slot_capacity to 100000000 (every booking uses tomorrow 02:00–04:00Z; a slot
# holds 10 by default) and create the operator with `reloop create-operator`; start the server
# again and run the client (COLLECTORS, BOOKINGS, WARMUP are passed through; see the example).
#
# Environment (all optional): COLLECTORS=20 BOOKINGS=300 WARMUP=20, SKIP_BUILD=1 (use the
# existing release binaries), KEEP_DB=1 (PostgreSQL: keep the database).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export RUST_LOG=${RUST_LOG:-warn}
export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_QUOTES_PER_MINUTE_ANONYMOUS=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600
export RELOOP_JWT_SECRET=bench-offer-secret-bench-offer-secret-0123456789

log() { printf 'bench-offer: %s\n' "$*"; }
die() {
    printf 'bench-offer: ERROR: %s\n' "$*" >&2
    exit 1
}

TMP=$(mktemp -d /tmp/reloop-bench-offer.XXXXXX)
SERVER_PID=
OK=0
PG_ADMIN_URL=
PG_DB=
REDIS_PREFIX=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
cleanup() {
    stop_server
    if [ -n "$PG_DB" ] && [ "${KEEP_DB:-0}" != 1 ]; then
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    fi
    if [ -n "$REDIS_PREFIX" ]; then
        redis-cli -u "$REDIS_URL" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null |
            xargs -r redis-cli -u "$REDIS_URL" DEL >/dev/null 2>&1 || true
    fi
    if [ "$OK" = 1 ]; then
        rm -rf "$TMP"
    else
        echo "bench-offer: FAILED; server log kept in $TMP" >&2
        [ ! -s "$TMP/server.log" ] || { echo "---- $TMP/server.log (last 15 lines)" >&2; tail -n 15 "$TMP/server.log" >&2; }
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v curl >/dev/null 2>&1 || die "curl is needed"

# ---- build ---------------------------------------------------------------------------------
LOCKED=()
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release ${LOCKED[*]} --bin reloop --example bench_offer_latency"
    cargo build --release "${LOCKED[@]}" --bin reloop --example bench_offer_latency
fi
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# ---- database and Redis --------------------------------------------------------------------
mkdir -p "$TMP/data"
export RELOOP_DATA_DIR="$TMP/data"
BACKEND=sqlite
if [ -n "${DATABASE_URL:-}" ]; then
    BACKEND=postgres
    command -v psql >/dev/null 2>&1 || die "psql is needed for DATABASE_URL"
    PG_ADMIN_URL=$DATABASE_URL
    PG_DB="reloop_bench_offer_$(date +%s)_$$"
    psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
    DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$PG_DB")
    export DATABASE_URL
    log "PostgreSQL database $PG_DB"
else
    unset DATABASE_URL
fi
if [ -n "${REDIS_URL:-}" ]; then
    command -v redis-cli >/dev/null 2>&1 || die "redis-cli is needed for REDIS_URL"
    REDIS_PREFIX="bench-offer:$(date +%s)-$$:"
    export REDIS_URL RELOOP_REDIS_PREFIX=$REDIS_PREFIX
    BACKEND="$BACKEND + redis"
    log "Redis prefix $REDIS_PREFIX"
else
    unset REDIS_URL
fi
db_exec() { # SQL
    if [ -n "$PG_DB" ]; then
        psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"
    else
        sqlite3 "$TMP/data/reloop.db" "$1"
    fi
}

# ---- server --------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
start_server() {
    RELOOP_BIND="127.0.0.1:$PORT" "$TARGET_DIR/release/reloop" serve >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 1200); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" != 200 ] || return 0
        kill -0 "$SERVER_PID" 2>/dev/null || die "reloop exited during startup (log: $TMP/server.log)"
        sleep 0.1
    done
    die "reloop did not become ready in 120 s"
}
log "first start (migrate + seed), $BACKEND"
start_server
stop_server
db_exec "UPDATE service_areas SET slot_capacity = 100000000" >/dev/null
log "slot_capacity: $(db_exec "SELECT min(slot_capacity) FROM service_areas")"
OPERATOR_EMAIL="bench-ops-$(date +%s)-$$@example.com"
OPERATOR_PASSWORD="correct horse battery"
RELOOP_OPERATOR_PASSWORD=$OPERATOR_PASSWORD "$TARGET_DIR/release/reloop" create-operator --email "$OPERATOR_EMAIL" \
    >>"$TMP/server.log" 2>&1 || die "create-operator failed (log: $TMP/server.log)"
log "operator $OPERATOR_EMAIL created"
start_server
log "reloop on http://127.0.0.1:$PORT ($BACKEND; $(nproc) cores; log: $TMP/server.log)"

BENCH_URL="http://127.0.0.1:$PORT" BENCH_OPERATOR_EMAIL="$OPERATOR_EMAIL" BENCH_OPERATOR_PASSWORD="$OPERATOR_PASSWORD" \
    "$TARGET_DIR/release/examples/bench_offer_latency" || die "the client failed"
log "orders: $(db_exec "SELECT count(*) FROM pickup_orders"), offers: $(db_exec "SELECT count(*) FROM job_offers"), backend: $BACKEND"
OK=1
