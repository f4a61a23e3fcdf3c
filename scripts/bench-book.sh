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
# Scenarios, each round in this order, then the bare baseline (a 1 s warm-up and one DURATION
# run against the bare server), so every ratio is against the bare endpoint of the same run:
#   one     every booking in one slot: tomorrow 02:00–04:00Z in Shanghai (capacity raised),
#           the hot row every booking shares;
#   spread  bookings spread over 20 service areas (19 copies of the Shanghai area, 1° apart,
#           inserted before the restart) × 60 slots (6 a day over 10 days): booking k goes to
#           area k mod 20, slot (k / 20) mod 60;
#   two     (PostgreSQL only) the one-slot load split over two reloop instances on the same
#           PostgreSQL (and Redis, when REDIS_URL or SERVICES=1 gives one): two wrk processes
#           of THREADS/2 threads and CONNECTIONS/2 connections, one per instance; the figure
#           is their sum.
# On PostgreSQL, pg_stat_activity is sampled every 0.2 s during every booking run: the share
# of the benchmark database's active backends that wait on a lock (wait_event_type = 'Lock':
# row, tuple, transaction id or relation), printed with each run and in the summary, and the
# lock types waited for (pg_locks, not granted).
#
# Environment (all optional):
#   DURATION=10s CONNECTIONS=32 THREADS=2 WARMUP=2s ROUNDS=2   as in scripts/bench.sh
#   QUOTES=20000          quotes requested before the warm-up
#   SCENARIOS=one,spread,two   which scenarios to run (two is skipped on SQLite)
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
SCENARIOS=${SCENARIOS:-one,spread,two}
bench_services postgres redis
bench_database reloop_bench
bench_redis reloop_bench
has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
if [ -z "$PG_DB" ] && has two; then
    log "SQLite: the two-instance scenario needs PostgreSQL; skipped"
    SCENARIOS=$(tr ',' '\n' <<<"$SCENARIOS" | grep -vx 'two' | paste -sd, -)
fi
log "first start (migrate + seed), $BACKEND"
bench_server_start
bench_server_stop
bench_raise_slot_capacity
# 19 more areas like Shanghai Central, 1° of latitude apart (nearest area wins), for `spread`
# (only when it runs: a build older than the areas' time zones cannot take these rows).
if [ -z "$PG_DB" ]; then NEW_ID='randomblob(16)'; else NEW_ID='gen_random_uuid()'; fi
has spread && bench_sql "INSERT INTO service_areas (id, name, city, center_latitude, center_longitude, radius_km,
    max_dispatch_radius_km, slot_capacity, slot_weight_capacity_kg, time_zone, opens_minute, closes_minute, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 19)
  SELECT $NEW_ID, 'Bench area ' || n.i, a.city, a.center_latitude + n.i, a.center_longitude, a.radius_km,
    a.max_dispatch_radius_km, a.slot_capacity, a.slot_weight_capacity_kg, a.time_zone, a.opens_minute, a.closes_minute, a.created_at
  FROM service_areas a, n WHERE a.name = 'Shanghai Central'" >/dev/null ||
    { ! has spread || die "could not add the spread areas"; }
log "service areas: $(bench_sql "SELECT count(*) FROM service_areas")"
bench_server_start
log "reloop on $URL (log: $TMP/server.log)"

# ---- user and quotes -----------------------------------------------------------------------
bench_register HOUSEHOLD Bench
IDS="$TMP/quote-ids.txt"
: >"$IDS"
# Each line: quote id, then where and when the spread scenario books it (from its line
# number k: area k mod 20, slot (k / 20) mod 60); the one-slot scenario uses the id only.
add_quotes() { # N
    log "requesting $1 quotes (one LAPTOP each)"
    : >"$TMP/new-ids.txt"
    bench_example bench_gql quotes --url "$URL" --token "$TOKEN" --count "$1" --out "$TMP/new-ids.txt" ||
        die "could not request quotes"
    awk -v k0="$(wc -l <"$IDS")" -v base="$(date -u -d tomorrow +%s)" 'BEGIN { OFS = "\t" } {
        k = k0 + NR - 1; area = k % 20; slot = int(k / 20) % 60
        day = base - base % 86400 + int(slot / 6) * 86400; h = (slot % 6) * 2
        start = strftime("%Y-%m-%dT", day, 1) sprintf("%02d:00:00Z", h)
        stop = strftime("%Y-%m-%dT", day, 1) sprintf("%02d:00:00Z", h + 2)
        print $1, sprintf("%.4f", 31.23 + area), "121.47", start, stop }' "$TMP/new-ids.txt" >>"$IDS"
}
add_quotes "$QUOTES"

# ---- booking bodies ------------------------------------------------------------------------
DAY=$(date -u -d tomorrow +%F)
bench_example bench_gql body --variables '{"q": "BENCH_F1"}' \
    "mutation B(\$q: ID!) { bookPickup(input: {quoteId: \$q, address: {line1: \"1 Nanjing Road\", \
city: \"Shanghai\", location: {latitude: 31.23, longitude: 121.47}}, window: {start: \"${DAY}T02:00:00Z\", \
end: \"${DAY}T04:00:00Z\"}, contactName: \"Bench\", contactPhone: \"+8613800138000\"}) { id number status } }" \
    >"$TMP/book-one.json"
bench_example bench_gql body \
    --variables '{"q": "BENCH_F1", "lat": "BENCH_N2", "lon": "BENCH_N3", "s": "BENCH_F4", "e": "BENCH_F5"}' \
    "mutation B(\$q: ID!, \$lat: Float!, \$lon: Float!, \$s: DateTime!, \$e: DateTime!) { bookPickup(input: \
{quoteId: \$q, address: {line1: \"1 Nanjing Road\", city: \"Shanghai\", location: {latitude: \$lat, \
longitude: \$lon}}, window: {start: \$s, end: \$e}, contactName: \"Bench\", contactPhone: \"+8613800138000\"}) \
{ id number status } }" >"$TMP/book-spread.json"
# One booking by hand, shown, before any load (uses the first id).
sed "s/BENCH_F1/$(cut -f1 "$IDS" | sed -n 1p)/" "$TMP/book-one.json" >"$TMP/one.json"
bench_probe booking "$URL" "$TMP/one.json" "Authorization: Bearer $TOKEN"
OFFSET=1

# ---- load ----------------------------------------------------------------------------------
export BENCH_IDS_FILE="$IDS" BENCH_THREADS="$THREADS" BENCH_HEADER="Authorization: Bearer $TOKEN"
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
# PostgreSQL: sample pg_stat_activity every 0.2 s into TMP/locks-NAME-LABEL.txt until stopped:
# "active waiting" per sample (the benchmark database's active backends, and those of them
# waiting on a lock), plus the lock types not granted (pg_locks).
LOCKS_PID=
locks_start() { # NAME LABEL
    [ -n "$PG_DB" ] || return 0
    LOCKS_OUT="$TMP/locks-$1-$2.txt"
    printf '%s\n' "SELECT 'S', count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'), coalesce((SELECT string_agg(locktype, ',') FROM pg_locks WHERE NOT granted), '') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();" \
        '\watch 0.2' | psql -qtA -F ' ' "$DATABASE_URL" >"$LOCKS_OUT" 2>/dev/null &
    LOCKS_PID=$!
}
locks_stop() { # NAME: prints the share and appends "NAME share" to TMP/locks.tsv
    [ -n "$PG_DB" ] || return 0
    bench_stop_pid LOCKS_PID
    awk -v name="$1" '$1 == "S" { n++; a += $2; w += $3; if (NF > 3) { m = split($4, t, ","); for (i = 1; i <= m; i++) types[t[i]]++ } }
        END { s = (a > 0) ? 100 * w / a : 0; printf "  %-8s lock waits: %.1f %% of active backends (%d samples, mean %.1f active)", name, s, n, (n ? a / n : 0)
              for (k in types) printf " %s=%d", k, types[k]; printf "\n"; printf "%s\t%.2f\n", name, s >> ENVIRON["TMP"] "/locks.tsv" }' "$LOCKS_OUT"
}
export TMP
run_book() { # LABEL DURATION SCENARIO (one|spread)
    ensure_ids "$2"
    local ok=1 issued
    locks_start "$3" "$1"
    BENCH_BODY_FILE="$TMP/book-$3.json" BENCH_UNIT=bookings/s BENCH_OFFSET=$OFFSET \
        bench_wrk "$1" "$3" "$2" "$URL" one-id-each.lua || ok=0
    [ "$1" = warmup ] || locks_stop "$3"
    [ "$1" != warmup ] || bench_stop_pid LOCKS_PID
    issued=$(sed -n 's/^BENCH_MAX_ISSUED //p' "$WRK_OUT")
    [ -n "$issued" ] || die "could not read wrk's output"
    OFFSET=$((OFFSET + issued * THREADS))
    LAST_RPS=$WRK_RPS
    [ "$ok" = 1 ] || die "$1: the benchmark is invalid"
}
# Two instances: wrk A (thread ids 0..T/2-1) against the first server, wrk B (T/2..T-1)
# against the second, at the same time, each with half the connections; the result is their
# sum (p50/p99: the worse of the two).
run_two() { # LABEL DURATION
    ensure_ids "$2"
    local half=$((THREADS / 2)) conns=$((CONNECTIONS / 2)) a b issued_a issued_b rps p50 p99
    [ "$half" -ge 1 ] || die "the two-instance scenario needs THREADS >= 2"
    locks_start two "$1"
    (THREADS=$half CONNECTIONS=$conns BENCH_TID_BASE=0 BENCH_BODY_FILE="$TMP/book-one.json" \
        BENCH_UNIT=bookings/s BENCH_OFFSET=$OFFSET bench_wrk "$1" two-a "$2" "$URL" one-id-each.lua) &
    a=$!
    (THREADS=$half CONNECTIONS=$conns BENCH_TID_BASE=$half BENCH_BODY_FILE="$TMP/book-one.json" \
        BENCH_UNIT=bookings/s BENCH_OFFSET=$OFFSET bench_wrk "$1" two-b "$2" "$URL2" one-id-each.lua) &
    b=$!
    wait "$a" || die "$1: the first instance's run is invalid"
    wait "$b" || die "$1: the second instance's run is invalid"
    if [ "$1" = warmup ]; then bench_stop_pid LOCKS_PID; else locks_stop two; fi
    issued_a=$(sed -n 's/^BENCH_MAX_ISSUED //p' "$TMP/wrk-two-a-$1.txt")
    issued_b=$(sed -n 's/^BENCH_MAX_ISSUED //p' "$TMP/wrk-two-b-$1.txt")
    OFFSET=$((OFFSET + (issued_a > issued_b ? issued_a : issued_b) * THREADS))
    rps=$(awk '/^Requests\/sec:/ {s += $2} END {print s}' "$TMP/wrk-two-a-$1.txt" "$TMP/wrk-two-b-$1.txt")
    p50=$(for f in "$TMP/wrk-two-a-$1.txt" "$TMP/wrk-two-b-$1.txt"; do bench_to_ms "$(awk '$1 == "50%" {print $2}' "$f")"; echo; done | sort -g | tail -1)
    p99=$(for f in "$TMP/wrk-two-a-$1.txt" "$TMP/wrk-two-b-$1.txt"; do bench_to_ms "$(awk '$1 == "99%" {print $2}' "$f")"; echo; done | sort -g | tail -1)
    printf '  %-8s %-5s %10s bookings/s in total\n' "$1" two "$rps"
    [ "$1" = warmup ] || printf '%s\t%s\t%s\t%s\n' two "$rps" "$p50" "$p99" >>"$RESULTS"
    LAST_RPS=$rps
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
if has two; then
    # The second instance: same database (and Redis), its own port and log.
    PORT2=$(bench_free_port)
    URL2="http://127.0.0.1:$PORT2/graphql"
    RELOOP_BIND="127.0.0.1:$PORT2" "${RELOOP_BIN:-$TARGET_DIR/release/reloop}" serve >>"$TMP/server2.log" 2>&1 &
    SERVER2_PID=$!
    trap 'bench_stop_pid SERVER2_PID; bench_stop_pid LOCKS_PID; bench_cleanup' EXIT
    bench_wait_ready server2 "$SERVER2_PID" bench_http_ok "http://127.0.0.1:$PORT2/ready"
    log "second instance on $URL2 (log: $TMP/server2.log)"
fi
log "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per run, $ROUNDS rounds, warm-up $WARMUP; $(nproc) cores; $BACKEND; scenarios $SCENARIOS"
run_book warmup "$WARMUP" one
for r in $(seq 1 "$ROUNDS"); do
    ! has one || run_book "round$r" "$DURATION" one
    ! has spread || run_book "round$r" "$DURATION" spread
    ! has two || run_two "round$r" "$DURATION"
    [ "${NO_BARE:-0}" = 1 ] || BENCH_BODY_FILE="$TMP/bare-body.json" BENCH_HEADER='' run_bare "round$r"
done
log "orders in the database: $(bench_sql "SELECT count(*) FROM pickup_orders"); quote ids issued: $OFFSET of $(wc -l <"$IDS")"
log "orders per area (spread): $(bench_sql "SELECT count(DISTINCT service_area_id) FROM pickup_orders") areas, $(bench_sql "SELECT count(*) FROM (SELECT DISTINCT service_area_id, slot_start FROM pickup_orders) s") slots"

bench_summary "bookPickup throughput ($BACKEND)" "$SCENARIOS,bare" 2 78
if [ -s "$TMP/locks.tsv" ]; then
    awk '{ s[$1] += $2; n[$1]++ } END { for (k in s) printf "  lock waits %-7s %.1f %% of active backends (mean over rounds)\n", k, s[k] / n[k] }' "$TMP/locks.tsv"
fi
bench_finish
