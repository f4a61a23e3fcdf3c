#!/usr/bin/env bash
# bookPickup throughput (benchmark, not a test), as a ratio of the bare actix-web endpoint
# measured in the same run (scripts/bench.sh ONLY=bare, alternating book/bare per round).
#
#   scripts/bench-book.sh                               # SQLite (embedded defaults)
#   DATABASE_URL=postgres://…/postgres scripts/bench-book.sh
#                                                       # PostgreSQL: a fresh database
#                                                       # reloop_bench_<time>_<pid> is created
#                                                       # on that server and dropped at the end
#
# Every booking needs its own ACTIVE quote owned by the caller, so the script first
#   1. starts the release server once (migrations + demo seed), stops it, raises
#      service_areas.slot_capacity to 100000000 in the database and starts it again
#      (the catalog snapshot is cached, a restart is the clean way to see the new capacity);
#   2. registers one HOUSEHOLD user and requests QUOTES one-item quotes with its token
#      (quote budgets lifted, access token valid 1 h), writing their ids to a file;
#   3. drives wrk with a Lua script that books the next unused quote per request: thread i of
#      T takes ids offset+i, offset+i+T, … ; after every run the offset moves past the ids the
#      run issued, and before every run more quotes are requested when the ids left would not
#      cover it (rate of the previous run × duration × 1.5), so no run books a used quote.
# Each booking: tomorrow 02:00–04:00Z in Shanghai, one slot (the capacity is raised).
#
# Environment (all optional):
#   DURATION=10s CONNECTIONS=32 THREADS=2 WARMUP=2s ROUNDS=2   as in scripts/bench.sh
#   QUOTES=20000          quotes requested before the warm-up
#   SKIP_BUILD=1          use the existing release binaries
#   KEEP_DB=1             PostgreSQL: do not drop the benchmark database
#   NO_BARE=1             skip the bare baseline (no ratio)
# Every response must be 200 without "errors" in its body (a used quote would be a CONFLICT
# error); any other answer, a socket error or running out of quote ids makes the run invalid
# and the script exits non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
QUOTES=${QUOTES:-20000}
export RUST_LOG=${RUST_LOG:-warn}
export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_QUOTES_PER_MINUTE_ANONYMOUS=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600

log() { printf 'bench-book: %s\n' "$*"; }
die() {
    printf 'bench-book: ERROR: %s\n' "$*" >&2
    exit 1
}
secs() { # wrk duration (10s, 2m, 1h, 30) -> seconds
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "" || u == "s") ? 1 : (u == "m") ? 60 : (u == "h") ? 3600 : 1; print n * f }'
}
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        if (f < 0) print "nan"; else printf "%.3f", n * f }'
}

TMP=$(mktemp -d /tmp/reloop-bench-book.XXXXXX)
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
    if [ "$OK" = 1 ]; then
        rm -rf "$TMP"
    else
        echo "bench-book: FAILED; server log and wrk outputs kept in $TMP" >&2
        [ ! -s "$TMP/server.log" ] || { echo "---- $TMP/server.log (last 15 lines)" >&2; tail -n 15 "$TMP/server.log" >&2; }
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v wrk >/dev/null 2>&1 || die "wrk is needed (apt-get install wrk, or run scripts/bench.sh once)"
command -v curl >/dev/null 2>&1 || die "curl is needed"

# ---- build ---------------------------------------------------------------------------------
LOCKED=()
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release ${LOCKED[*]} --bin reloop --example bare_actix"
    cargo build --release "${LOCKED[@]}" --bin reloop --example bare_actix
fi
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# ---- database ------------------------------------------------------------------------------
mkdir -p "$TMP/data"
export RELOOP_DATA_DIR="$TMP/data"
BACKEND=sqlite
if [ -n "${DATABASE_URL:-}" ]; then
    BACKEND=postgres
    command -v psql >/dev/null 2>&1 || die "psql is needed for DATABASE_URL"
    PG_ADMIN_URL=$DATABASE_URL
    PG_DB="reloop_bench_$(date +%s)_$$"
    psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
    DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$PG_DB")
    export DATABASE_URL
    log "PostgreSQL database $PG_DB"
else
    unset DATABASE_URL
fi
db_exec() { # SQL
    if [ "$BACKEND" = postgres ]; then
        psql -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"
    else
        sqlite3 "$TMP/data/reloop.db" "$1"
    fi
}

# ---- server --------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT/graphql"
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
start_server
log "reloop on $URL (log: $TMP/server.log)"

# ---- user and quotes -----------------------------------------------------------------------
cat >"$TMP/prep.py" <<'PY'
# register EMAIL -> prints the access token; quotes TOKEN N FILE -> appends N quote ids to FILE
import http.client, json, sys, threading, time, urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])

def post(conn, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", url.path, json.dumps(body), headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200 or b'"errors"' in data:
        sys.exit(f"HTTP {resp.status}: {data[:300]!r}")
    return json.loads(data)["data"]

if sys.argv[2] == "register":
    conn = http.client.HTTPConnection(url.hostname, url.port)
    data = post(conn, {"query": "mutation R($e: String!) { register(input: {email: $e, password: "
                       "\"correct horse battery\", displayName: \"Bench\", role: HOUSEHOLD}) { accessToken } }",
                       "variables": {"e": sys.argv[3]}})
    print(data["register"]["accessToken"])
else:
    token, n, path = sys.argv[3], int(sys.argv[4]), sys.argv[5]
    query = {"query": 'mutation { requestQuote(input: {items: [{categoryCode: "LAPTOP", condition: GOOD}]}) { id status } }'}
    workers = 3
    ids = [[] for _ in range(workers)]
    errors = []
    def run(w):
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port)
            for _ in range(w, n, workers):
                q = post(conn, query, token)["requestQuote"]
                assert q["status"] == "ACTIVE", q
                ids[w].append(q["id"])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
    t0 = time.monotonic()
    ts = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for t in ts: t.start()
    for t in ts: t.join()
    if errors:
        sys.exit("quote request failed: " + errors[0])
    with open(path, "a") as f:
        for chunk in ids:
            for i in chunk:
                f.write(i + "\n")
    print(f"{n} quotes in {time.monotonic() - t0:.1f} s", file=sys.stderr)
PY
TOKEN=$(python3 "$TMP/prep.py" "$URL" register "bench-$(date +%s)-$$@example.com") || die "register failed"
IDS="$TMP/quote-ids.txt"
: >"$IDS"
add_quotes() { # N
    log "requesting $1 quotes (one LAPTOP each)"
    python3 "$TMP/prep.py" "$URL" quotes "$TOKEN" "$1" "$IDS" || die "could not request quotes"
}
add_quotes "$QUOTES"

# ---- booking body and wrk script -----------------------------------------------------------
WINDOW_DAY=$(date -u -d tomorrow +%F)
python3 - "$WINDOW_DAY" "$TMP" <<'PY'
import json, sys
day, tmp = sys.argv[1], sys.argv[2]
query = ("mutation B($q: ID!) { bookPickup(input: {quoteId: $q, address: {line1: \"1 Nanjing Road\", "
         "city: \"Shanghai\", location: {latitude: 31.23, longitude: 121.47}}, window: {start: \""
         + day + "T02:00:00Z\", end: \"" + day + "T04:00:00Z\"}, contactName: \"Bench\", "
         "contactPhone: \"+8613800138000\"}) { id number status } }")
body = json.dumps({"query": query, "variables": {"q": "QUOTE_ID"}})
prefix, suffix = body.split("QUOTE_ID")
open(f"{tmp}/body-prefix", "w").write(prefix)
open(f"{tmp}/body-suffix", "w").write(suffix)
PY

cat >"$TMP/book.lua" <<'LUA'
-- Books quote ids from BENCH_IDS_FILE: thread i of T takes ids offset+i, offset+i+T, ...
-- Counts answers that are not 200 or carry "errors", and requests without an id left.
local function slurp(path)
  local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

local threads = {}
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  good, bad_status, with_errors, sample, issued, missing = 0, 0, 0, "", 0, 0
  prefix = slurp(os.getenv("BENCH_PREFIX_FILE"))
  suffix = slurp(os.getenv("BENCH_SUFFIX_FILE"))
  local offset, nthreads = tonumber(os.getenv("BENCH_OFFSET")), tonumber(os.getenv("BENCH_THREADS"))
  ids = {}
  local k = 0
  for line in io.lines(os.getenv("BENCH_IDS_FILE")) do
    if k >= offset and (k - offset) % nthreads == tid then ids[#ids + 1] = line end
    k = k + 1
  end
end

function request()
  issued = issued + 1
  local id = ids[issued]
  if id == nil then
    missing = missing + 1
    id = "00000000-0000-0000-0000-000000000000" -- answered NOT_FOUND: the run is invalid
  end
  return wrk.format(nil, nil, nil, prefix .. id .. suffix)
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body:find('"errors"', 1, true) then
    with_errors = with_errors + 1
  else
    good = good + 1
    return
  end
  if sample == "" then
    sample = "HTTP " .. status .. ": " .. body:sub(1, 300):gsub("%s+", " ")
  end
end

function done(summary, latency, requests)
  local g, b, e, m, maxi, s = 0, 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad_status")
    e = e + t:get("with_errors")
    m = m + t:get("missing")
    if t:get("issued") > maxi then maxi = t:get("issued") end
    if s == "" then s = t:get("sample") end
  end
  local se = summary.errors
  io.write(string.format("BENCH_CHECK good=%d bad_status=%d with_errors=%d socket_errors=%d out_of_ids=%d\n",
    g, b, e, se.connect + se.read + se.write + se.timeout, m))
  io.write(string.format("BENCH_MAX_ISSUED %d\n", maxi))
  if s ~= "" then io.write("BENCH_SAMPLE " .. s .. "\n") end
end
LUA

# One booking by hand, shown, before any load (uses the first id).
OFFSET=0
first_id=$(sed -n 1p "$IDS")
{ cat "$TMP/body-prefix"; printf '%s' "$first_id"; cat "$TMP/body-suffix"; } >"$TMP/one.json"
code=$(curl -s -o "$TMP/one-answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $TOKEN" --data-binary @"$TMP/one.json" "$URL") || code=000
log "one booking -> HTTP $code: $(head -c 300 "$TMP/one-answer.json")"
[ "$code" = 200 ] && ! grep -q '"errors"' "$TMP/one-answer.json" || die "the sample booking failed"
OFFSET=1

# ---- load ----------------------------------------------------------------------------------
RESULTS="$TMP/results.tsv"
: >"$RESULTS"
LAST_RPS=
ensure_ids() { # DURATION: request more quotes if the ids left may not cover a run of DURATION
    local left need
    left=$(($(wc -l <"$IDS") - OFFSET))
    if [ -n "$LAST_RPS" ]; then
        need=$(awk -v r="$LAST_RPS" -v d="$(secs "$1")" -v c="$CONNECTIONS" 'BEGIN { printf "%d", r * d * 1.5 + 4 * c + 200 }')
    else
        need=$((QUOTES / 2))
    fi
    if [ "$left" -lt "$need" ]; then add_quotes $((need - left + need / 4)); fi
}
run_book() { # LABEL DURATION
    local label=$1 dur=$2 out="$TMP/wrk-book-$1.txt"
    ensure_ids "$dur"
    BENCH_IDS_FILE="$IDS" BENCH_OFFSET="$OFFSET" BENCH_THREADS="$THREADS" BENCH_TOKEN="$TOKEN" \
        BENCH_PREFIX_FILE="$TMP/body-prefix" BENCH_SUFFIX_FILE="$TMP/body-suffix" \
        wrk -t "$THREADS" -c "$CONNECTIONS" -d "$dur" --latency -s "$TMP/book.lua" "$URL" >"$out" 2>&1 ||
        {
            cat "$out" >&2
            die "wrk failed"
        }
    local rps p50 p99 check maxi
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    check=$(sed -n 's/^BENCH_CHECK //p' "$out")
    maxi=$(sed -n 's/^BENCH_MAX_ISSUED //p' "$out")
    [ -n "$rps" ] && [ -n "$check" ] && [ -n "$maxi" ] || {
        cat "$out" >&2
        die "could not read wrk's output"
    }
    OFFSET=$((OFFSET + maxi * THREADS))
    LAST_RPS=$rps
    printf '  %-8s %-5s %10s bookings/s   p50 %-9s p99 %-9s %s\n' "$label" book "$rps" "$p50" "$p99" "$check"
    local b e s m
    read -r b e s m <<<"$(sed -n 's/.*bad_status=\([0-9]*\) with_errors=\([0-9]*\) socket_errors=\([0-9]*\) out_of_ids=\([0-9]*\).*/\1 \2 \3 \4/p' <<<"$check")"
    if [ "$b" != 0 ] || [ "$e" != 0 ] || [ "$s" != 0 ] || [ "$m" != 0 ]; then
        sed -n 's/^BENCH_SAMPLE /  first bad answer: /p' "$out" >&2
        die "$label: $b non-200 answers, $e answers with \"errors\", $s socket errors, $m requests without a quote id: the benchmark is invalid"
    fi
    [ "$label" = warmup ] || printf 'book\t%s\t%s\t%s\n' "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" >>"$RESULTS"
}
run_bare() { # LABEL
    local out="$TMP/bare-$1.txt"
    SKIP_BUILD=1 ONLY=bare ROUNDS=1 WARMUP=1s DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" THREADS="$THREADS" \
        scripts/bench.sh >"$out" 2>&1 || {
        cat "$out" >&2
        die "scripts/bench.sh ONLY=bare failed"
    }
    local line
    line=$(grep -E '^ +bare +median' "$out") || die "could not read bench.sh's output"
    printf '  %-8s %-5s %s\n' "$1" bare "$(sed 's/^ *bare *//' <<<"$line")"
    python3 - "$line" >>"$RESULTS" <<'PY'
import re, sys
m = re.search(r"median (\S+) req/s\s+p50 (\S+) ms\s+p99 (\S+) ms", sys.argv[1])
print("bare\t%s\t%s\t%s" % m.groups())
PY
}

log "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per run, $ROUNDS rounds, warm-up $WARMUP; $(nproc) cores; $BACKEND"
run_book warmup "$WARMUP"
for r in $(seq 1 "$ROUNDS"); do
    run_book "round$r" "$DURATION"
    [ "${NO_BARE:-0}" = 1 ] || run_bare "round$r"
done
ORDERS=$(db_exec "SELECT count(*) FROM pickup_orders")
log "orders in the database: $ORDERS; quote ids issued: $OFFSET of $(wc -l <"$IDS")"

python3 - "$RESULTS" "$BACKEND" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    if line.strip():
        name, rps, p50, p99 = line.split("\t")
        by.setdefault(name, []).append((float(rps), float(p50), float(p99)))
print()
print(f"==================== bookPickup throughput ({sys.argv[2]}) ====================")
med = {}
for name in ("book", "bare"):
    if name not in by:
        continue
    runs = by[name]
    med[name] = statistics.median(r[0] for r in runs)
    print(f"  {name:5} rounds: {', '.join(f'{r[0]:.0f}' for r in runs)} req/s")
    print(f"  {name:5} median {med[name]:.0f} req/s   p50 {statistics.median(r[1] for r in runs):.3f} ms"
          f"   p99 {statistics.median(r[2] for r in runs):.3f} ms (median over rounds)")
if "book" in med and "bare" in med and med["bare"] > 0:
    print(f"  book / bare = {100 * med['book'] / med['bare']:.2f} %")
print("==============================================================================")
PY
OK=1
