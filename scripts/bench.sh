#!/usr/bin/env bash
# Throughput benchmark (not a test): the reloop GraphQL endpoint against a bare actix-web server
# (examples/bare_actix.rs) on the same machine, with wrk, alternating A/B/A/B to reduce noise.
#
#   scripts/bench.sh
#
# Environment (all optional):
#   DURATION=10s CONNECTIONS=32 THREADS=2   wrk settings for each measured run
#   WARMUP=2s                               un-measured warm-up run per server (still checked for errors)
#   ROUNDS=2                                measured runs per server
#   QUERY='{ categories { code name } }'    GraphQL query to send (also sent, unused, to the bare server)
#   AUTH_HEADER='Bearer xyz' or 'Authorization: Bearer xyz'   extra header sent on every request
#   ONLY=graphql|bare                       benchmark one server only (no ratio)
#   SKIP_BUILD=1                            use the existing release binaries
# Every response must be 200 without "errors" in its body; any other answer makes the run invalid
# and the script exits non-zero.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
QUERY=${QUERY:-'{ categories { code name } }'}
AUTH_HEADER=${AUTH_HEADER:-}
ONLY=${ONLY:-}
case "$ONLY" in "" | graphql | bare) ;; *) echo "bench.sh: ONLY must be graphql or bare" >&2; exit 2 ;; esac
export RUST_LOG=${RUST_LOG:-warn}

log() { printf 'bench: %s\n' "$*"; }
die() {
    printf 'bench: ERROR: %s\n' "$*" >&2
    exit 1
}

TMP=$(mktemp -d /tmp/reloop-bench.XXXXXX)
PIDS=()
OK=0
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$OK" = 1 ]; then
        rm -rf "$TMP"
    else
        echo "bench: FAILED; server logs and wrk outputs kept in $TMP" >&2
        local f
        for f in "$TMP"/*.log; do
            [ -s "$f" ] || continue
            echo "---- $f (last 15 lines)" >&2
            tail -n 15 "$f" >&2
        done
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- tools ---------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk with apt-get"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends wrk >/dev/null
fi
command -v curl >/dev/null 2>&1 || die "curl is needed"

# ---- build ---------------------------------------------------------------------------------
LOCKED=()
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
build_args=()
[ "$ONLY" = bare ] || build_args+=(--bin reloop)
[ "$ONLY" = graphql ] || build_args+=(--example bare_actix)
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release ${LOCKED[*]} ${build_args[*]}"
    cargo build --release "${LOCKED[@]}" "${build_args[@]}"
fi
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# ---- request body and wrk script -----------------------------------------------------------
QUERY="$QUERY" python3 -c 'import json,os,sys; sys.stdout.write(json.dumps({"query": os.environ["QUERY"]}))' >"$TMP/body.json"
HEADER_LINE=
if [ -n "$AUTH_HEADER" ]; then
    case "$AUTH_HEADER" in
    *:*) HEADER_LINE=$AUTH_HEADER ;;
    *) HEADER_LINE="Authorization: $AUTH_HEADER" ;;
    esac
fi

cat >"$TMP/post.lua" <<'LUA'
-- POSTs the JSON body from BENCH_BODY_FILE; counts answers that are not 200 or carry "errors".
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local extra = os.getenv("BENCH_HEADER")
if extra and extra ~= "" then
  local name, value = extra:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  good, bad_status, with_errors, sample = 0, 0, 0, ""
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
  local g, b, e, s = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad_status")
    e = e + t:get("with_errors")
    if s == "" then s = t:get("sample") end
  end
  local se = summary.errors
  io.write(string.format("BENCH_CHECK good=%d bad_status=%d with_errors=%d socket_errors=%d\n",
    g, b, e, se.connect + se.read + se.write + se.timeout))
  if s ~= "" then io.write("BENCH_SAMPLE " .. s .. "\n") end
end
LUA

# ---- servers -------------------------------------------------------------------------------
wait_ready() { # NAME PID CHECK_CMD...
    local name=$1 pid=$2 i
    shift 2
    for i in $(seq 1 $((${STARTUP_TIMEOUT:-120} * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        kill -0 "$pid" 2>/dev/null || die "$name exited during startup (log: $TMP/$name.log)"
        sleep 0.1
    done
    die "$name did not become ready in ${STARTUP_TIMEOUT:-120}s (log: $TMP/$name.log)"
}

URLS=()
NAMES=()
if [ "$ONLY" != bare ]; then
    port=$(free_port)
    mkdir -p "$TMP/data"
    log "starting reloop serve on 127.0.0.1:$port (data: $TMP/data, log: $TMP/graphql.log)"
    RELOOP_BIND="127.0.0.1:$port" RELOOP_DATA_DIR="$TMP/data" "$TARGET_DIR/release/reloop" serve >"$TMP/graphql.log" 2>&1 &
    PIDS+=($!)
    wait_ready graphql "$!" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/health)\" = 200 ]"
    NAMES+=(graphql)
    URLS+=("http://127.0.0.1:$port/graphql")
fi
if [ "$ONLY" != graphql ]; then
    port=$(free_port)
    log "starting bare_actix on 127.0.0.1:$port (log: $TMP/bare.log)"
    BARE_BIND="127.0.0.1:$port" "$TARGET_DIR/release/examples/bare_actix" >"$TMP/bare.log" 2>&1 &
    PIDS+=($!)
    wait_ready bare "$!" curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary '{}' "http://127.0.0.1:$port/json"
    NAMES+=(bare)
    URLS+=("http://127.0.0.1:$port/json")
fi

# One request each, shown, before any load.
for i in "${!NAMES[@]}"; do
    hdr=()
    [ -z "$HEADER_LINE" ] || hdr=(-H "$HEADER_LINE")
    code=$(curl -s -o "$TMP/sample-${NAMES[$i]}.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        "${hdr[@]}" --data-binary @"$TMP/body.json" "${URLS[$i]}") || code=000
    body=$(head -c 300 "$TMP/sample-${NAMES[$i]}.json" 2>/dev/null || true)
    log "${NAMES[$i]} ${URLS[$i]} -> HTTP $code, $(wc -c <"$TMP/sample-${NAMES[$i]}.json" 2>/dev/null || echo 0) bytes: $body"
    [ "$code" = 200 ] || die "${NAMES[$i]} answered HTTP $code to the benchmark request"
    if grep -q '"errors"' "$TMP/sample-${NAMES[$i]}.json"; then die "${NAMES[$i]} answered with GraphQL errors"; fi
done

# ---- load ----------------------------------------------------------------------------------
to_ms() { # wrk latency ("812.00us", "1.23ms", "1.02s", "1.50m") -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        if (f < 0) print "nan"; else printf "%.3f", n * f }'
}

RESULTS="$TMP/results.tsv"
: >"$RESULTS"
INVALID=0

run_wrk() { # INDEX LABEL DURATION
    local i=$1 label=$2 dur=$3 name=${NAMES[$1]}
    local out="$TMP/wrk-$name-$label.txt"
    BENCH_BODY_FILE="$TMP/body.json" BENCH_HEADER="$HEADER_LINE" \
        wrk -t "$THREADS" -c "$CONNECTIONS" -d "$dur" --latency -s "$TMP/post.lua" "${URLS[$i]}" >"$out" 2>&1 ||
        {
            cat "$out" >&2
            die "wrk failed against $name"
        }
    local rps p50 p99 check
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    check=$(sed -n 's/^BENCH_CHECK //p' "$out")
    if [ -z "$rps" ] || [ -z "$check" ]; then
        cat "$out" >&2
        die "could not read wrk's output for $name"
    fi
    printf '  %-8s %-8s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$name" "$rps" "$p50" "$p99" "$check"
    local bad
    bad=$(sed -n 's/.*bad_status=\([0-9]*\) with_errors=\([0-9]*\) socket_errors=\([0-9]*\).*/\1 \2 \3/p' <<<"$check")
    read -r b e s <<<"$bad"
    if [ "$b" != 0 ] || [ "$e" != 0 ] || [ "$s" != 0 ]; then
        INVALID=1
        echo "  INVALID: $name gave $b non-200 answers, $e answers with \"errors\", $s socket errors" >&2
        sed -n 's/^BENCH_SAMPLE /  first bad answer: /p' "$out" >&2
        grep -E '^ *(Socket errors|Non-2xx)' "$out" >&2 || true
    fi
    if [ "$label" != warmup ]; then
        printf '%s\t%s\t%s\t%s\n' "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" >>"$RESULTS"
    fi
}

log "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per run, $ROUNDS rounds, warm-up $WARMUP; $(nproc) cores"
log "body: $(cat "$TMP/body.json")${HEADER_LINE:+ + header ${HEADER_LINE%%:*}}"
for i in "${!NAMES[@]}"; do run_wrk "$i" warmup "$WARMUP"; done
[ "$INVALID" = 0 ] || die "errors during warm-up: results would be meaningless"
for r in $(seq 1 "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do run_wrk "$i" "round$r" "$DURATION"; done
done
[ "$INVALID" = 0 ] || die "some runs had errors (see above): the benchmark is invalid"

# ---- summary -------------------------------------------------------------------------------
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
by = {}
for name, rps, p50, p99 in rows:
    by.setdefault(name, []).append((float(rps), float(p50), float(p99)))
print()
print("==================== reloop throughput ====================")
med = {}
for name in ("graphql", "bare"):
    if name not in by:
        continue
    runs = by[name]
    rps = [r[0] for r in runs]
    med[name] = statistics.median(rps)
    print(f"  {name:8} rounds: {', '.join(f'{x:.0f}' for x in rps)} req/s")
    print(f"  {name:8} median {med[name]:.0f} req/s   p50 {statistics.median(r[1] for r in runs):.3f} ms"
          f"   p99 {statistics.median(r[2] for r in runs):.3f} ms (median over rounds)")
if "graphql" in med and "bare" in med and med["bare"] > 0:
    print(f"  graphql / bare = {100 * med['graphql'] / med['bare']:.1f} %")
print("============================================================")
PY
OK=1
