# shellcheck shell=bash
# The shared part of the bench scripts (scripts/bench*.sh), sourced by them:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
#   bench_init NAME                 # then bench_build, bench_database, bench_server_start, ...
#
# It keeps the scripts' state in these globals: TMP (scratch directory, kept when the run
# fails), OK (1 once the script called bench_finish), TARGET_DIR (cargo's target directory),
# BACKEND ("sqlite" or "postgres", plus " + redis"), DATABASE_URL / REDIS_URL (exported for
# the server), PORT / URL (the reloop server), BARE_URL (the bare actix-web server), RESULTS
# (one measured run a line, read by bench_report).
#
# Environment every script understands (documented again at the top of each script):
#   SKIP_BUILD=1       use the existing release binaries
#   SERVICES=1         start a throwaway PostgreSQL (and Redis, for the scripts that use it)
#                      with scripts/services.sh and run against it, stopped at the end
#   DATABASE_URL=postgres://…/postgres   run against that server: a fresh database is created
#                      there for the run and dropped at the end (KEEP_DB=1 keeps it)
#   STARTUP_TIMEOUT=120   seconds a server may take to answer /ready
#   RUST_LOG=warn      the server's log filter
#   RELOOP_BIN=path    the reloop binary to serve with (default: the release build), e.g. a
#                      build of an older commit to measure "before" with today's script

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../services.sh
. "$BENCH_LIB_DIR/../services.sh"

# Print "NAME: message" on stdout.
log() { printf '%s: %s\n' "$BENCH_NAME" "$*"; }

# Print "NAME: ERROR: message" on stderr and exit 1 (the EXIT trap cleans up).
die() {
    printf '%s: ERROR: %s\n' "$BENCH_NAME" "$*" >&2
    exit 1
}

# Set the log prefix, go to the repository root, make TMP and install the cleanup traps.
# Also sets the defaults every script shares (RUST_LOG=warn, the database and server state).
bench_init() { # NAME
    BENCH_NAME=$1
    cd "$BENCH_LIB_DIR/../.." || exit 1
    export RUST_LOG=${RUST_LOG:-warn}
    export LC_NUMERIC=C # wrk's and awk's decimal points, printf %f
    TMP=$(mktemp -d "/tmp/reloop-$BENCH_NAME.XXXXXX")
    OK=0
    BACKEND=sqlite
    SERVER_PID=
    PORT=
    BARE_PID=
    PG_ADMIN_URL=
    PG_DB=
    REDIS_PREFIX=
    SERVICES_DIR=
    RESULTS="$TMP/results.tsv"
    : >"$RESULTS"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# EXIT trap: stop the servers, drop the benchmark database, delete the run's Redis keys, stop
# the throwaway services; remove TMP when the run finished (OK=1, and not KEEP_DB=1), else
# keep it and show the end of every log in it.
bench_cleanup() {
    bench_server_stop
    bench_bare_stop
    if [ -n "$PG_DB" ] && [ "${KEEP_DB:-0}" != 1 ]; then
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    fi
    if [ -n "$REDIS_PREFIX" ]; then
        redis-cli -u "$REDIS_URL" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null |
            xargs -r redis-cli -u "$REDIS_URL" DEL >/dev/null 2>&1 || true
    fi
    if [ -n "$SERVICES_DIR" ]; then
        services_stop "$SERVICES_DIR" || true
    fi
    if [ "$OK" = 1 ] && [ "${KEEP_DB:-0}" != 1 ]; then
        rm -rf "$TMP"
    elif [ "$OK" = 1 ]; then
        echo "$BENCH_NAME: files kept in $TMP" >&2
    else
        echo "$BENCH_NAME: FAILED; server logs and wrk outputs kept in $TMP" >&2
        local f
        for f in "$TMP"/*.log; do
            [ -s "$f" ] || continue
            echo "---- $f (last 15 lines)" >&2
            tail -n 15 "$f" >&2
        done
    fi
}

# Mark the run as finished: bench_cleanup then removes TMP instead of keeping it.
bench_finish() {
    OK=1
}

# Die unless every command named is on PATH.
bench_need() { # COMMAND...
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "$c is needed"
    done
}

# Install wrk with apt-get when it is missing (as root, or with sudo -n).
bench_need_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    log "installing wrk with apt-get"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends wrk >/dev/null
    command -v wrk >/dev/null 2>&1 || die "could not install wrk"
}

# cargo build --release (--locked when Cargo.lock is tracked) of the targets given, unless
# SKIP_BUILD=1; then set TARGET_DIR (honours CARGO_TARGET_DIR).
bench_build() { # CARGO_TARGET_ARGS... (e.g. --bin reloop --example bench_gql)
    local locked=()
    if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then locked=(--locked); fi
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        log "cargo build --release ${locked[*]} $*"
        cargo build --release "${locked[@]}" "$@" || die "cargo build failed"
    fi
    TARGET_DIR=$(cargo metadata --no-deps --format-version 1 |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    [ -n "$TARGET_DIR" ] || die "could not read cargo's target directory"
}

# Run one of the bench helper programs built from examples/ (bench_gql, bench_report, ...).
bench_example() { # NAME ARGS...
    local name=$1
    shift
    "$TARGET_DIR/release/examples/$name" "$@"
}

# Echo a TCP port on 127.0.0.1 that nothing listens on (below the ephemeral range).
bench_free_port() {
    local port _
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "could not find a free port"
}

# With SERVICES=1: start a throwaway PostgreSQL and Redis with scripts/services.sh (in
# TMP/services, stopped by bench_cleanup) and export DATABASE_URL (for "postgres") and
# REDIS_URL (for "redis") pointing at them. Without SERVICES=1 it does nothing.
bench_services() { # postgres|redis...
    [ "${SERVICES:-0}" = 1 ] || return 0
    SERVICES_DIR="$TMP/services"
    services_start "$SERVICES_DIR" || die "scripts/services.sh start failed"
    local what
    for what in "$@"; do
        case "$what" in
        postgres) DATABASE_URL=$(sed -n 's/^RELOOP_TEST_DATABASE_URL=//p' "$SERVICES_DIR/env") ;;
        redis) REDIS_URL=$(sed -n 's/^RELOOP_TEST_REDIS_URL=//p' "$SERVICES_DIR/env") ;;
        *) die "bench_services: unknown service $what" ;;
        esac
    done
    export DATABASE_URL REDIS_URL
}

# Choose the database: with DATABASE_URL, create a fresh PostgreSQL database NAME_<time>_<pid>
# on that server and point DATABASE_URL at it (dropped by bench_cleanup unless KEEP_DB=1);
# without, SQLite in TMP/data. RELOOP_DATA_DIR is TMP/data either way; sets BACKEND, DB_FILE.
bench_database() { # NAME (prefix of the PostgreSQL database)
    mkdir -p "$TMP/data"
    export RELOOP_DATA_DIR="$TMP/data"
    DB_FILE="$TMP/data/reloop.db"
    if [ -z "${DATABASE_URL:-}" ]; then
        unset DATABASE_URL
        BACKEND=sqlite
        return 0
    fi
    BACKEND=postgres
    bench_need psql
    PG_ADMIN_URL=$DATABASE_URL
    PG_DB="${1}_$(date +%s)_$$"
    psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE $PG_DB" >/dev/null ||
        die "could not create database $PG_DB"
    # scheme://authority[/path][?query] -> scheme://authority/PG_DB[?query]
    [[ $PG_ADMIN_URL =~ ^([a-z]+://[^/?]*)(/[^?]*)?(\?.*)?$ ]] || die "cannot read DATABASE_URL"
    DATABASE_URL="${BASH_REMATCH[1]}/$PG_DB${BASH_REMATCH[3]}"
    export DATABASE_URL
    log "PostgreSQL database $PG_DB"
}

# With REDIS_URL: give the server a key prefix NAME:<time>-<pid>: (its keys are deleted by
# bench_cleanup) and add " + redis" to BACKEND; without, the server runs in-process.
bench_redis() { # NAME
    if [ -z "${REDIS_URL:-}" ]; then
        unset REDIS_URL
        return 0
    fi
    bench_need redis-cli
    REDIS_PREFIX="$1:$(date +%s)-$$:"
    export REDIS_URL RELOOP_REDIS_PREFIX=$REDIS_PREFIX
    BACKEND="$BACKEND + redis"
    log "Redis prefix $REDIS_PREFIX"
}

# Run SQL (the argument, else stdin) against the benchmark database, unaligned tuples only.
bench_sql() { # [SQL]
    if [ -z "$PG_DB" ]; then
        if [ $# -gt 0 ]; then sqlite3 -bail "$DB_FILE" "$1"; else sqlite3 -bail "$DB_FILE"; fi
    elif [ $# -gt 0 ]; then
        psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"
    else
        psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL"
    fi
}

# Wait until CHECK_CMD succeeds (every 0.1 s, STARTUP_TIMEOUT seconds at most); die when the
# process PID exits first or time runs out.
bench_wait_ready() { # NAME PID CHECK_CMD...
    local name=$1 pid=$2 _
    shift 2
    for _ in $(seq 1 $((${STARTUP_TIMEOUT:-120} * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        kill -0 "$pid" 2>/dev/null || die "$name exited during startup (log: $TMP/$name.log)"
        sleep 0.1
    done
    die "$name did not become ready in ${STARTUP_TIMEOUT:-120} s (log: $TMP/$name.log)"
}

# True when GET URL answers 200.
bench_http_ok() { # URL
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]
}

# Start the release server (`reloop serve`, log appended to TMP/server.log) on PORT (picked
# on the first start, kept across restarts) and wait until /ready answers 200; sets
# SERVER_PID, PORT and URL (the /graphql endpoint).
bench_server_start() {
    [ -n "$PORT" ] || PORT=$(bench_free_port)
    URL="http://127.0.0.1:$PORT/graphql"
    RELOOP_BIND="127.0.0.1:$PORT" "${RELOOP_BIN:-$TARGET_DIR/release/reloop}" serve \
        >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    bench_wait_ready server "$SERVER_PID" bench_http_ok "http://127.0.0.1:$PORT/ready"
}

# Stop the process whose id is in variable VAR (if any: VAR may be empty) and empty VAR.
bench_stop_pid() { # VAR
    local pid=${!1:-}
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    printf -v "$1" '%s' ''
}

# Stop the server bench_server_start started, if it runs.
bench_server_stop() { bench_stop_pid SERVER_PID; }

# Start the bare actix-web baseline (examples/bare_actix.rs, log TMP/bare.log) and wait until
# POST /json answers; sets BARE_PID and BARE_URL.
bench_bare_start() {
    local port
    port=$(bench_free_port)
    BARE_URL="http://127.0.0.1:$port/json"
    BARE_BIND="127.0.0.1:$port" "$TARGET_DIR/release/examples/bare_actix" >"$TMP/bare.log" 2>&1 &
    BARE_PID=$!
    bench_wait_ready bare "$BARE_PID" curl -sf -o /dev/null -H 'Content-Type: application/json' \
        --data-binary '{}' "$BARE_URL"
}

# Stop the bare server, if it runs.
bench_bare_stop() { bench_stop_pid BARE_PID; }

# Raise service_areas.slot_capacity to 100000000 so no booking window fills up (the server
# must be stopped: it caches the catalog), and log the new minimum.
bench_raise_slot_capacity() {
    # The weight budget too (issue 19): 100M bookings of a few kg each; a build older than
    # the weight budget (RELOOP_BIN=…) has only the count.
    bench_sql "UPDATE service_areas SET slot_capacity = 100000000, slot_weight_capacity_kg = 2000000000" >/dev/null 2>&1 ||
        bench_sql "UPDATE service_areas SET slot_capacity = 100000000" >/dev/null ||
        die "could not raise slot_capacity"
    log "slot_capacity: $(bench_sql "SELECT min(slot_capacity) FROM service_areas")"
}

# Create an operator account with `reloop create-operator`; sets OPERATOR_EMAIL and
# OPERATOR_PASSWORD.
bench_create_operator() {
    OPERATOR_EMAIL="bench-ops-$(date +%s)-$$@example.com"
    OPERATOR_PASSWORD="correct horse battery"
    RELOOP_OPERATOR_PASSWORD=$OPERATOR_PASSWORD "$TARGET_DIR/release/reloop" create-operator \
        --email "$OPERATOR_EMAIL" >>"$TMP/server.log" 2>&1 || die "create-operator failed (log: $TMP/server.log)"
    log "operator $OPERATOR_EMAIL created"
}

# Register an account of ROLE through the API; sets TOKEN (its access token) and USER_ID.
bench_register() { # ROLE DISPLAY_NAME
    local answer
    answer=$(bench_example bench_gql register --url "$URL" --role "$1" --display-name "$2" \
        --email "bench-$(date +%s)-$$-$RANDOM@example.com") || die "register failed"
    # shellcheck disable=SC2034 # globals for the calling script
    read -r TOKEN USER_ID <<<"$answer"
}

# POST the body file to URL once (with HEADER, "Name: value", when given), show the answer and
# die unless it is 200 without "errors".
bench_probe() { # NAME URL BODY_FILE [HEADER]
    local name=$1 url=$2 body=$3 answer="$TMP/probe-$1.json" code hdr=()
    [ -z "${4:-}" ] || hdr=(-H "$4")
    code=$(curl -s -o "$answer" -w '%{http_code}' -H 'Content-Type: application/json' "${hdr[@]}" \
        --data-binary @"$body" "$url") || code=000
    log "$name $url -> HTTP $code, $(wc -c <"$answer" 2>/dev/null || echo 0) bytes: $(head -c 300 "$answer" 2>/dev/null)"
    [ "$code" = 200 ] || die "$name answered HTTP $code"
    if grep -q '"errors"' "$answer"; then die "$name answered with GraphQL errors"; fi
}

# wrk latency ("812.00us", "1.23ms", "1.02s", "1.50m") -> milliseconds, 3 decimals.
bench_to_ms() { # LATENCY
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        if (f < 0) print "nan"; else printf "%.3f", n * f }'
}

# wrk duration (10s, 2m, 1h, 30) -> seconds.
bench_secs() { # DURATION
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "" || u == "s") ? 1 : (u == "m") ? 60 : (u == "h") ? 3600 : 1; print n * f }'
}

# Run wrk (THREADS threads, CONNECTIONS connections, --latency) with one of the Lua scripts in
# scripts/lib/wrk (their inputs come through the environment) and print
#   "  LABEL NAME  <req/s> UNIT   p50 …  p99 …  good=… bad_status=… …"
# with NAME padded to BENCH_NAME_WIDTH (8) and UNIT from BENCH_UNIT (req/s). Sets WRK_RPS,
# WRK_P50, WRK_P99 (wrk's text), WRK_OUT (its output file); appends "NAME rps p50-ms p99-ms"
# to RESULTS unless LABEL is warmup. Returns 1, after printing why, when any answer was not
# 200, carried "errors", failed on the socket or a counter of the script is not 0.
bench_wrk() { # LABEL NAME DURATION URL LUA_SCRIPT
    local label=$1 name=$2 dur=$3 url=$4 script=$5
    WRK_OUT="$TMP/wrk-$name-$label.txt"
    BENCH_LUA_DIR="$BENCH_LIB_DIR/wrk" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$dur" --latency \
        -s "$BENCH_LIB_DIR/wrk/$script" "$url" >"$WRK_OUT" 2>&1 || {
        cat "$WRK_OUT" >&2
        die "wrk failed against $name"
    }
    local check
    WRK_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$WRK_OUT")
    WRK_P50=$(awk '$1 == "50%" {print $2}' "$WRK_OUT")
    WRK_P99=$(awk '$1 == "99%" {print $2}' "$WRK_OUT")
    check=$(sed -n 's/^BENCH_CHECK //p' "$WRK_OUT")
    if [ -z "$WRK_RPS" ] || [ -z "$check" ]; then
        cat "$WRK_OUT" >&2
        die "could not read wrk's output for $name"
    fi
    printf "  %-8s %-${BENCH_NAME_WIDTH:-8}s %10s %s   p50 %-9s p99 %-9s %s\n" \
        "$label" "$name" "$WRK_RPS" "${BENCH_UNIT:-req/s}" "$WRK_P50" "$WRK_P99" "$check"
    if [ "$label" != warmup ]; then
        printf '%s\t%s\t%s\t%s\n' "$name" "$WRK_RPS" "$(bench_to_ms "$WRK_P50")" "$(bench_to_ms "$WRK_P99")" >>"$RESULTS"
    fi
    local bad
    bad=$(tr ' ' '\n' <<<"$check" | awk -F= '$1 != "good" && $2 != 0 { printf "%s%s=%s", sep, $1, $2; sep = ", " }')
    [ -n "$bad" ] || return 0
    echo "  INVALID: $name $label: $bad" >&2
    sed -n 's/^BENCH_SAMPLE /  first bad answer: /p' "$WRK_OUT" >&2
    grep -E '^ *(Socket errors|Non-2xx)' "$WRK_OUT" >&2 || true
    return 1
}

# Print the final summary of RESULTS (bench_report throughput): every round, the medians
# and the ratio NAME_A / NAME_B with RATIO_DIGITS decimals, closed by a rule RULE wide.
bench_summary() { # TITLE NAME_A,NAME_B RATIO_DIGITS RULE
    bench_example bench_report throughput "$RESULTS" --title "$1" --names "$2" \
        --ratio-digits "$3" --rule "$4" || die "could not summarise $RESULTS"
}
