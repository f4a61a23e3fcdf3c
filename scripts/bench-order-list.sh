#!/usr/bin/env bash
# pickupOrders first-page latency for one household (20 orders) with 10k and then 1M orders
# in the table (benchmark, not a test). Target: p50(1M) / p50(10k) <= 1.5.
#
#   scripts/bench-order-list.sh                              # SQLite (embedded defaults)
#   DATABASE_URL=postgres://…/postgres scripts/bench-order-list.sh
#                                        # PostgreSQL: fresh database reloop_list_<time>_<pid>,
#                                        # dropped at the end (KEEP_DB=1 keeps it)
#
# 1. starts the release server on an empty database (it migrates and seeds), registers a
#    HOUSEHOLD user and books 20 pickups through the API (one per day, so no slot fills),
#    and stops;
# 2. fills pickup_orders with SQL bulk inserts up to SMALL (10,000) rows: every column is
#    copied from one of the household's real rows (so UUID blobs, RFC 3339 timestamp text and
#    decimal text on SQLite, native types on PostgreSQL, are exactly what the server writes),
#    except id/quote_id (random), number, customer_user_id (one of rows/20 other customers),
#    status (COMPLETED, so the dispatch sweeper ignores them) and created_at/updated_at (spread
#    over the past year). The household's own 20 orders are moved to dates spread over the
#    same year, so they sit among the others in every index;
# 3. restarts the server and times REQUESTS sequential first-page requests (keep-alive, after
#    WARMUP_REQUESTS un-measured ones), each checked: 200, no "errors", 20 edges;
# 4. grows the table to LARGE (1,000,000) rows and repeats 3; prints the ratios and the
#    database's plan for the list query.
# Environment: SMALL=10000 LARGE=1000000 REQUESTS=2000 WARMUP_REQUESTS=200 SKIP_BUILD=1 KEEP_DB=1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SMALL=${SMALL:-10000}
LARGE=${LARGE:-1000000}
REQUESTS=${REQUESTS:-2000}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-200}
export RUST_LOG=${RUST_LOG:-warn}
export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600

log() { printf 'bench-list: %s\n' "$*"; }
die() {
    printf 'bench-list: ERROR: %s\n' "$*" >&2
    exit 1
}

TMP=$(mktemp -d /tmp/reloop-bench-list.XXXXXX)
SERVER_PID=
OK=0
PG_ADMIN_URL=
PG_DB=
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
    if [ "$OK" = 1 ] && [ "${KEEP_DB:-0}" != 1 ]; then
        rm -rf "$TMP"
    else
        echo "bench-list: files kept in $TMP" >&2
        [ "$OK" = 1 ] || [ ! -s "$TMP/server.log" ] || tail -n 15 "$TMP/server.log" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOCKED=()
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release ${LOCKED[*]} --bin reloop"
    cargo build --release "${LOCKED[@]}" --bin reloop
fi
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

mkdir -p "$TMP/data"
export RELOOP_DATA_DIR="$TMP/data"
BACKEND=sqlite
if [ -n "${DATABASE_URL:-}" ]; then
    BACKEND=postgres
    PG_ADMIN_URL=$DATABASE_URL
    PG_DB="reloop_list_$(date +%s)_$$"
    psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
    DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$PG_DB")
    export DATABASE_URL
    log "PostgreSQL database $PG_DB"
else
    unset DATABASE_URL
fi
DB_FILE="$TMP/data/reloop.db"
db_exec() { # SQL (stdin when no argument)
    if [ "$BACKEND" = postgres ]; then
        if [ $# -gt 0 ]; then psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; else psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL"; fi
    else
        if [ $# -gt 0 ]; then sqlite3 -bail "$DB_FILE" "$1"; else sqlite3 -bail "$DB_FILE"; fi
    fi
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT/graphql"
start_server() { # [RUST_LOG]
    RUST_LOG=${1:-$RUST_LOG} RELOOP_BIND="127.0.0.1:$PORT" "$TARGET_DIR/release/reloop" serve >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 1200); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" != 200 ] || return 0
        kill -0 "$SERVER_PID" 2>/dev/null || die "reloop exited during startup (log: $TMP/server.log)"
        sleep 0.1
    done
    die "reloop did not become ready in 120 s"
}

cat >"$TMP/client.py" <<'PY'
# setup URL EMAIL -> books 20 orders, prints the token and user id
# measure URL TOKEN N WARMUP -> times N first-page requests
import http.client, json, statistics, sys, time, urllib.parse, datetime as dt

url = urllib.parse.urlsplit(sys.argv[2])
conn = http.client.HTTPConnection(url.hostname, url.port)
LIST = {"query": "{ pickupOrders(first: 20) { edges { cursor node { id number status estimatedPayout "
                 "window { start end } } } pageInfo { hasNextPage endCursor } } }"}

def post(body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", url.path, json.dumps(body), headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200 or b'"errors"' in data:
        sys.exit(f"HTTP {resp.status}: {data[:400]!r}")
    return json.loads(data)["data"]

if sys.argv[1] == "setup":
    d = post({"query": "mutation R($e: String!) { register(input: {email: $e, password: \"correct horse battery\", "
                       "displayName: \"Household\", role: HOUSEHOLD}) { accessToken user { id } } }",
              "variables": {"e": sys.argv[3]}})["register"]
    token = d["accessToken"]
    today = dt.datetime.now(dt.timezone.utc).date()
    for k in range(1, 21):
        q = post({"query": 'mutation { requestQuote(input: {items: [{categoryCode: "LAPTOP", condition: GOOD}]}) { id } }'},
                 token)["requestQuote"]["id"]
        day = (today + dt.timedelta(days=k)).isoformat()
        post({"query": "mutation B($q: ID!, $s: DateTime!, $e: DateTime!) { bookPickup(input: {quoteId: $q, "
                       "address: {line1: \"1 Nanjing Road\", city: \"Shanghai\", location: {latitude: 31.23, longitude: 121.47}}, "
                       "window: {start: $s, end: $e}, contactName: \"Household\", contactPhone: \"+8613800138000\"}) { id } }",
              "variables": {"q": q, "s": f"{day}T02:00:00Z", "e": f"{day}T04:00:00Z"}}, token)
    page = post(LIST, token)["pickupOrders"]
    assert len(page["edges"]) == 20, page
    print(token, d["user"]["id"])
else:
    token, n, warm = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    lat = []
    for i in range(warm + n):
        t0 = time.perf_counter()
        page = post(LIST, token)["pickupOrders"]
        t1 = time.perf_counter()
        if len(page["edges"]) != 20 or page["pageInfo"]["hasNextPage"]:
            sys.exit(f"unexpected page: {len(page['edges'])} edges, hasNextPage {page['pageInfo']['hasNextPage']}")
        if i >= warm:
            lat.append((t1 - t0) * 1000)
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    print(f"{q(0.50):.3f} {q(0.99):.3f} {statistics.mean(lat):.3f} {lat[-1]:.3f} {n / (sum(lat) / 1000):.0f}")
PY

# ---- 1. the household's real orders ---------------------------------------------------------
log "start ($BACKEND), register a HOUSEHOLD, book 20 pickups through the API"
start_server
read -r TOKEN USER_ID <<<"$(python3 "$TMP/client.py" setup "$URL" "household-$(date +%s)@example.com")" || die "setup failed"
stop_server
# The statement services/orders/read.rs builds for a household's first page (sea-orm's
# query builder; the server turns sqlx's statement log off, so it is written out here).
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
    COLUMNS=$(sqlite3 "$DB_FILE" "SELECT name FROM pragma_table_info('pickup_orders') ORDER BY cid" | tr '\n' ' ')
else
    COLUMNS=$(psql -qtA "$DATABASE_URL" -c "SELECT column_name FROM information_schema.columns WHERE table_name = 'pickup_orders' AND table_schema = current_schema() ORDER BY ordinal_position" | tr '\n' ' ')
fi
fill_sql() { # FROM_ROW TO_ROW (1-based numbers of the bulk rows; customers = LARGE/20)
    python3 - "$BACKEND" "$1" "$2" "$LARGE" "$USER_ID" "$COLUMNS" <<'PY'
import sys
backend, lo, hi, large, user, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6].split()
customers = max(1, large // 20)
year = 365 * 86400
if backend == "sqlite":
    # RFC 3339 with nanoseconds and +00:00, exactly like the rows the server writes
    ts = ("strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || ((n.i * 7919) % {y}) || ' seconds') || '.' || "
          "printf('%09d', (n.i * 104729) % 1000000000) || '+00:00'").format(y=year)
    over = {"id": "randomblob(16)", "quote_id": "randomblob(16)", "number": "'BX-' || n.i",
            "customer_user_id": "c.id", "status": "'COMPLETED'", "created_at": ts, "updated_at": ts}
    user_blob = "X'" + user.replace("-", "") + "'"
    series = f"WITH RECURSIVE n(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM n WHERE i < {hi}) "
    print("BEGIN;")
    print("CREATE TABLE IF NOT EXISTS bench_customers (k INTEGER PRIMARY KEY, id BLOB NOT NULL);")
    print(f"INSERT OR IGNORE INTO bench_customers WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
          f"WHERE i < {customers - 1}) SELECT i, randomblob(16) FROM n;")
    print(f"CREATE TEMP TABLE tpl AS SELECT * FROM pickup_orders WHERE customer_user_id = {user_blob} LIMIT 1;")
    sel = ", ".join(over.get(c, f'tpl."{c}"') for c in cols)
    print(f'INSERT INTO pickup_orders ({", ".join(chr(34) + c + chr(34) for c in cols)}) {series}'
          f"SELECT {sel} FROM n JOIN bench_customers c ON c.k = n.i % {customers} CROSS JOIN tpl;")
    if lo == 1:  # the household's own orders: spread over the same year
        hts = ("strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || ((rowid % 20) * 18 * 86400 + 3600) || ' seconds') || "
               "'.123456789+00:00'")
        print(f"UPDATE pickup_orders SET created_at = {hts}, updated_at = {hts} WHERE customer_user_id = {user_blob};")
    print("COMMIT;")
else:
    ts = f"now() - make_interval(secs => ((n.i::bigint * 7919) % {year})::float8 + ((n.i::bigint * 104729) % 1000000) / 1e6::float8)"
    over = {"id": "gen_random_uuid()", "quote_id": "gen_random_uuid()", "number": "'BX-' || n.i",
            "customer_user_id": "c.id", "status": "'COMPLETED'", "created_at": ts, "updated_at": ts}
    print("BEGIN;")
    print("CREATE TABLE IF NOT EXISTS bench_customers (k INTEGER PRIMARY KEY, id uuid NOT NULL);")
    print(f"INSERT INTO bench_customers SELECT k, gen_random_uuid() FROM generate_series(0, {customers - 1}) k "
          "ON CONFLICT DO NOTHING;")
    print(f"CREATE TEMP TABLE tpl AS SELECT * FROM pickup_orders WHERE customer_user_id = '{user}' LIMIT 1;")
    sel = ", ".join(over.get(c, f'tpl."{c}"') for c in cols)
    print(f'INSERT INTO pickup_orders ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
          f"SELECT {sel} FROM generate_series({lo}, {hi}) AS n(i) JOIN bench_customers c ON c.k = n.i % {customers} CROSS JOIN tpl;")
    if lo == 1:
        print("UPDATE pickup_orders SET created_at = now() - make_interval(days => (18 * (row_number % 20))::int) - interval '1 hour', "
              "updated_at = created_at FROM (SELECT id AS oid, row_number() OVER (ORDER BY id) AS row_number "
              f"FROM pickup_orders WHERE customer_user_id = '{user}') r WHERE id = r.oid;")
    print("COMMIT;")
    print("ANALYZE pickup_orders;")
PY
}
fill_to() { # TOTAL rows in pickup_orders
    local have from to t0
    have=$(db_exec "SELECT count(*) FROM pickup_orders")
    from=$(($(db_exec "SELECT count(*) FROM pickup_orders WHERE number LIKE 'BX-%'") + 1))
    to=$((from + $1 - have - 1))
    [ "$to" -ge "$from" ] || return 0
    t0=$(date +%s.%N)
    fill_sql "$from" "$to" >"$TMP/fill-$1.sql"
    db_exec <"$TMP/fill-$1.sql" >/dev/null || die "bulk insert failed (SQL in $TMP/fill-$1.sql)"
    log "inserted rows $from..$to in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; table: $(db_exec "SELECT count(*) FROM pickup_orders") orders"
}
explain() {
    [ -n "$LIST_SQL" ] || return 0
    local sql
    if [ "$BACKEND" = sqlite ]; then
        sql=$(sed -e "s/\\\$1/X'${USER_ID//-/}'/; s/\\\$2/21/; s/?/X'${USER_ID//-/}'/; s/?/21/" <<<"$LIST_SQL")
        sqlite3 "$DB_FILE" "EXPLAIN QUERY PLAN $sql" | sed 's/^/    /'
    else
        sql=$(sed -e "s/\\\$1/'$USER_ID'/; s/\\\$2/21/" <<<"$LIST_SQL")
        psql -qtA "$DATABASE_URL" -c "EXPLAIN (ANALYZE, BUFFERS) $sql" | sed 's/^/    /'
    fi
}

RESULTS="$TMP/results.txt"
measure() { # LABEL
    start_server
    log "$1: $(db_exec "SELECT count(*) FROM pickup_orders") orders, $(db_exec "SELECT count(DISTINCT customer_user_id) FROM pickup_orders") customers; $REQUESTS sequential first pages after $WARMUP_REQUESTS warm-up"
    local r
    r=$(python3 "$TMP/client.py" measure "$URL" "$TOKEN" "$REQUESTS" "$WARMUP_REQUESTS") || die "measurement failed"
    stop_server
    read -r p50 p99 mean max rps <<<"$r"
    printf '  %-4s p50 %s ms   p99 %s ms   mean %s ms   max %s ms   (%s req/s sequential)\n' "$1" "$p50" "$p99" "$mean" "$max" "$rps"
    printf '%s %s %s %s\n' "$1" "$p50" "$p99" "$mean" >>"$RESULTS"
    explain
}

fill_to "$SMALL"
measure small
fill_to "$LARGE"
measure large
python3 - "$RESULTS" "$BACKEND" "$SMALL" "$LARGE" <<'PY'
import sys
r = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in open(sys.argv[1]) if l.strip()}
s, l = r["small"], r["large"]
print()
print(f"=========== pickupOrders(first: 20), one household, {sys.argv[2]} ===========")
print(f"  {int(sys.argv[3]):>9,} orders: p50 {s[0]:.3f} ms   p99 {s[1]:.3f} ms   mean {s[2]:.3f} ms")
print(f"  {int(sys.argv[4]):>9,} orders: p50 {l[0]:.3f} ms   p99 {l[1]:.3f} ms   mean {l[2]:.3f} ms")
ok = "met" if l[0] / s[0] <= 1.5 else "NOT met"
print(f"  p50 ratio {l[0] / s[0]:.2f} (target <= 1.5: {ok})   p99 ratio {l[1] / s[1]:.2f}")
print("=====================================================================")
PY
OK=1
