#!/usr/bin/env bash
# pickupOrders first-page latency for one household (20 orders) with 10k and then 1M orders
# in the table (benchmark, not a test). Target: p50(1M) / p50(10k) <= 1.5.
#
#   scripts/bench-order-list.sh                              # SQLite (embedded defaults)
#   DATABASE_URL=postgres://…/postgres scripts/bench-order-list.sh
#                                        # PostgreSQL: fresh database reloop_list_<time>_<pid>,
#                                        # dropped at the end (KEEP_DB=1 keeps it)
#   SERVICES=1 scripts/bench-order-list.sh   # throwaway PostgreSQL (scripts/services.sh)
#
# 1. starts the release server on an empty database (it migrates and seeds), registers a
#    HOUSEHOLD user and books 20 pickups through the API (one per day, so no slot fills;
#    examples/bench_gql.rs), and stops;
# 2. fills pickup_orders with SQL bulk inserts (examples/bench_fill_orders.rs) up to SMALL
#    (10,000) rows: every column is copied from one of the household's real rows (so UUID
#    blobs, RFC 3339 timestamp text and decimal text on SQLite, native types on PostgreSQL,
#    are exactly what the server writes), except id/quote_id (random), number,
#    customer_user_id (one of rows/20 other customers), status (COMPLETED, so the dispatch
#    sweeper ignores them) and created_at/updated_at (spread over the past year). The
#    household's own 20 orders are moved to dates spread over the same year, so they sit
#    among the others in every index;
# 3. restarts the server and times REQUESTS sequential first-page requests (keep-alive, after
#    WARMUP_REQUESTS un-measured ones), each checked: 200, no "errors", 20 edges;
# 4. grows the table to LARGE (1,000,000) rows and repeats 3; prints the ratios and the
#    database's plan for the list query.
# Environment (all optional): SMALL=10000 LARGE=1000000 REQUESTS=2000 WARMUP_REQUESTS=200,
# SKIP_BUILD=1 (use the existing release binaries), KEEP_DB=1 (keep the database, and TMP),
# STARTUP_TIMEOUT=120.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench-list

SMALL=${SMALL:-10000}
LARGE=${LARGE:-1000000}
REQUESTS=${REQUESTS:-2000}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-200}
export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600

bench_need curl sqlite3
bench_build --bin reloop --example bench_gql --example bench_fill_orders --example bench_report
bench_services postgres
bench_database reloop_list

# ---- 1. the household's real orders ---------------------------------------------------------
log "start ($BACKEND), register a HOUSEHOLD, book 20 pickups through the API"
bench_server_start
bench_register HOUSEHOLD Household
bench_example bench_gql book --url "$URL" --token "$TOKEN" --orders 20 || die "setup failed"
bench_server_stop
# The statement services/orders/read.rs builds for a household's first page (sea-orm's
# query builder; the server turns sqlx's statement log off, so it is written out here).
# shellcheck disable=SC2016 # $1 and $2 are the statement's placeholders
LIST_SQL='SELECT * FROM "pickup_orders" WHERE "pickup_orders"."customer_user_id" = $1 ORDER BY "pickup_orders"."created_at" DESC, "pickup_orders"."id" DESC LIMIT $2'
log "the list SQL: $LIST_SQL"
log "a row as the server wrote it:"
if [ "$BACKEND" = sqlite ]; then
    sqlite3 -header "$DB_FILE" "SELECT typeof(id) AS id_type, hex(id) AS id, typeof(customer_user_id) AS customer_type, created_at, typeof(created_at) AS created_type, window_start, estimated_payout, typeof(estimated_payout) AS payout_type, required_certifications, status FROM pickup_orders LIMIT 1" | sed 's/^/    /'
else
    psql -x -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "SELECT id, pg_typeof(id) AS id_type, created_at, pg_typeof(created_at) AS created_type, estimated_payout, pg_typeof(estimated_payout) AS payout_type, required_certifications, status FROM pickup_orders LIMIT 1" | sed 's/^/    /'
fi

# ---- 2. bulk fill ----------------------------------------------------------------------------
if [ "$BACKEND" = sqlite ]; then
    COLUMNS=$(bench_sql "SELECT name FROM pragma_table_info('pickup_orders') ORDER BY cid" | tr '\n' ' ')
else
    COLUMNS=$(bench_sql "SELECT column_name FROM information_schema.columns WHERE table_name = 'pickup_orders' AND table_schema = current_schema() ORDER BY ordinal_position" | tr '\n' ' ')
fi
fill_to() { # TOTAL rows in pickup_orders
    local have from to t0
    have=$(bench_sql "SELECT count(*) FROM pickup_orders")
    from=$(($(bench_sql "SELECT count(*) FROM pickup_orders WHERE number LIKE 'BX-%'") + 1))
    to=$((from + $1 - have - 1))
    [ "$to" -ge "$from" ] || return 0
    t0=$(date +%s.%N)
    bench_example bench_fill_orders --backend "$BACKEND" --from "$from" --to "$to" --large "$LARGE" \
        --user "$USER_ID" --columns "$COLUMNS" >"$TMP/fill-$1.sql"
    bench_sql <"$TMP/fill-$1.sql" >/dev/null || die "bulk insert failed (SQL in $TMP/fill-$1.sql)"
    log "inserted rows $from..$to in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; table: $(bench_sql "SELECT count(*) FROM pickup_orders") orders"
}
explain() {
    local sql
    if [ "$BACKEND" = sqlite ]; then
        sql=$(sed -e "s/\\\$1/X'${USER_ID//-/}'/; s/\\\$2/21/" <<<"$LIST_SQL")
        sqlite3 "$DB_FILE" "EXPLAIN QUERY PLAN $sql" | sed 's/^/    /'
    else
        sql=$(sed -e "s/\\\$1/'$USER_ID'/; s/\\\$2/21/" <<<"$LIST_SQL")
        psql -qtA "$DATABASE_URL" -c "EXPLAIN (ANALYZE, BUFFERS) $sql" | sed 's/^/    /'
    fi
}

measure() { # LABEL
    bench_server_start
    log "$1: $(bench_sql "SELECT count(*) FROM pickup_orders") orders, $(bench_sql "SELECT count(DISTINCT customer_user_id) FROM pickup_orders") customers; $REQUESTS sequential first pages after $WARMUP_REQUESTS warm-up"
    local r p50 p99 mean max rps
    r=$(bench_example bench_gql list-latency --url "$URL" --token "$TOKEN" --requests "$REQUESTS" \
        --warmup "$WARMUP_REQUESTS") || die "measurement failed"
    bench_server_stop
    read -r p50 p99 mean max rps <<<"$r"
    printf '  %-4s p50 %s ms   p99 %s ms   mean %s ms   max %s ms   (%s req/s sequential)\n' "$1" "$p50" "$p99" "$mean" "$max" "$rps"
    printf '%s %s %s %s\n' "$1" "$p50" "$p99" "$mean" >>"$RESULTS"
    explain
}

fill_to "$SMALL"
measure small
fill_to "$LARGE"
measure large
bench_example bench_report order-list "$RESULTS" --backend "$BACKEND" --small "$SMALL" --large "$LARGE" ||
    die "could not summarise $RESULTS"
bench_finish
