#!/usr/bin/env bash
# bookPickup throughput (benchmark, not a test), as a ratio of the bare actix-web endpoint
# (examples/bare_actix.rs) measured in the same run, alternating book/bare per round.
#
#   scripts/bench-book.sh                               # SQLite (embedded defaults)
#   DATABASE_URL=postgres://…/postgres scripts/bench-book.sh
#                                                       # PostgreSQL: a fresh database
#                                                       # reloop_bench_<time>_<pid> is created
#                                                       # on that server and dropped at the end
#   SERVICES=1 scripts/bench-book.sh                    # throwaway PostgreSQL (scripts/services.sh)
#
# Every booking needs its own ACTIVE quote owned by the caller, so the script first
#   1. starts the release server once (migrations + demo seed), stops it, raises
#      service_areas.slot_capacity to 100000000 in the database and starts it again
#      (the catalog snapshot is cached, a restart is the clean way to see the new capacity);
#   2. registers one HOUSEHOLD user and requests QUOTES one-item quotes with its token
#      (quote budgets lifted, access token valid 1 h), writing their ids to a file
#      (examples/bench_gql.rs);
#   3. drives wrk with scripts/lib/wrk/one-id-each.lua, which books the next unused quote per
#      request: thread i of T takes ids offset+i, offset+i+T, … ; after every run the offset
#      moves past the ids the run issued, and before every run more quotes are requested when
#      the ids left would not cover it (rate of the previous run × duration × 1.5), so no run
#      books a used quote.
# Each booking: tomorrow 02:00–04:00Z in Shanghai, one slot (the capacity is raised). The bare
# baseline of a round is a 1 s warm-up and one DURATION run against the bare server.
#
# Environment (all optional):
#   DURATION=10s CONNECTIONS=32 THREADS=2 WARMUP=2s ROUNDS=2   as in scripts/bench.sh
#   QUOTES=20000          quotes requested before the warm-up
#   SKIP_BUILD=1          use the existing release binaries
#   KEEP_DB=1             PostgreSQL: do not drop the benchmark database
#   NO_BARE=1             skip the bare baseline (no ratio)
#   STARTUP_TIMEOUT=120   seconds a server may take to become ready
# Every response must be 200 without "errors" in its body (a used quote would be a CONFLICT
# error); any other answer, a socket error or running out of quote ids makes the run invalid
# and the script exits non-zero.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench-book

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
QUOTES=${QUOTES:-20000}
export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_QUOTES_PER_MINUTE_ANONYMOUS=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600
BENCH_NAME_WIDTH=5

bench_need_wrk
bench_need curl
bench_build --bin reloop --example bare_actix --example bench_gql --example bench_report

# ---- database and server -------------------------------------------------------------------
bench_services postgres
bench_database reloop_bench
log "first start (migrate + seed), $BACKEND"
bench_server_start
bench_server_stop
bench_raise_slot_capacity
bench_server_start
log "reloop on $URL (log: $TMP/server.log)"

# ---- user and quotes -----------------------------------------------------------------------
bench_register HOUSEHOLD Bench
IDS="$TMP/quote-ids.txt"
: >"$IDS"
add_quotes() { # N
    log "requesting $1 quotes (one LAPTOP each)"
    bench_example bench_gql quotes --url "$URL" --token "$TOKEN" --count "$1" --out "$IDS" ||
        die "could not request quotes"
}
add_quotes "$QUOTES"

# ---- booking body --------------------------------------------------------------------------
DAY=$(date -u -d tomorrow +%F)
bench_example bench_gql body --variables '{"q": "BENCH_ID"}' \
    "mutation B(\$q: ID!) { bookPickup(input: {quoteId: \$q, address: {line1: \"1 Nanjing Road\", \
city: \"Shanghai\", location: {latitude: 31.23, longitude: 121.47}}, window: {start: \"${DAY}T02:00:00Z\", \
end: \"${DAY}T04:00:00Z\"}, contactName: \"Bench\", contactPhone: \"+8613800138000\"}) { id number status } }" \
    >"$TMP/book-template.json"
# One booking by hand, shown, before any load (uses the first id).
sed "s/BENCH_ID/$(sed -n 1p "$IDS")/" "$TMP/book-template.json" >"$TMP/one.json"
bench_probe booking "$URL" "$TMP/one.json" "Authorization: Bearer $TOKEN"
OFFSET=1

# ---- load ----------------------------------------------------------------------------------
export BENCH_BODY_FILE="$TMP/book-template.json" BENCH_IDS_FILE="$IDS" BENCH_THREADS="$THREADS" \
    BENCH_HEADER="Authorization: Bearer $TOKEN"
LAST_RPS=
ensure_ids() { # DURATION: request more quotes if the ids left may not cover a run of DURATION
    local left need
    left=$(($(wc -l <"$IDS") - OFFSET))
    if [ -n "$LAST_RPS" ]; then
        need=$(awk -v r="$LAST_RPS" -v d="$(bench_secs "$1")" -v c="$CONNECTIONS" 'BEGIN { printf "%d", r * d * 1.5 + 4 * c + 200 }')
    else
        need=$((QUOTES / 2))
    fi
    if [ "$left" -lt "$need" ]; then add_quotes $((need - left + need / 4)); fi
}
run_book() { # LABEL DURATION
    ensure_ids "$2"
    local ok=1 issued
    BENCH_UNIT=bookings/s BENCH_OFFSET=$OFFSET bench_wrk "$1" book "$2" "$URL" one-id-each.lua || ok=0
    issued=$(sed -n 's/^BENCH_MAX_ISSUED //p' "$WRK_OUT")
    [ -n "$issued" ] || die "could not read wrk's output"
    OFFSET=$((OFFSET + issued * THREADS))
    LAST_RPS=$WRK_RPS
    [ "$ok" = 1 ] || die "$1: the benchmark is invalid"
}
run_bare() { # LABEL
    bench_wrk warmup bare 1s "$BARE_URL" same-body.lua >/dev/null || die "bare warm-up failed"
    bench_wrk "$1" bare "$DURATION" "$BARE_URL" same-body.lua >/dev/null || die "$1: the bare run is invalid"
    printf '  %-8s %-5s median %.0f req/s   p50 %s ms   p99 %s ms (median over rounds)\n' \
        "$1" bare "$WRK_RPS" "$(bench_to_ms "$WRK_P50")" "$(bench_to_ms "$WRK_P99")"
}

if [ "${NO_BARE:-0}" != 1 ]; then
    bench_bare_start
    bench_example bench_gql body '{ categories { code name } }' >"$TMP/bare-body.json"
fi
log "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per run, $ROUNDS rounds, warm-up $WARMUP; $(nproc) cores; $BACKEND"
run_book warmup "$WARMUP"
for r in $(seq 1 "$ROUNDS"); do
    run_book "round$r" "$DURATION"
    [ "${NO_BARE:-0}" = 1 ] || BENCH_BODY_FILE="$TMP/bare-body.json" BENCH_HEADER='' run_bare "round$r"
done
log "orders in the database: $(bench_sql "SELECT count(*) FROM pickup_orders"); quote ids issued: $OFFSET of $(wc -l <"$IDS")"

bench_summary "bookPickup throughput ($BACKEND)" book,bare 2 78
bench_finish
