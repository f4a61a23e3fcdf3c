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
#   DATABASE_URL=postgres://…/postgres      PostgreSQL: a fresh database reloop_bench_<time>_<pid>
#                                           is created on that server and dropped at the end
#                                           (KEEP_DB=1 keeps it); default SQLite (embedded defaults)
#   SERVICES=1                              PostgreSQL from scripts/services.sh, thrown away after
#   SKIP_BUILD=1                            use the existing release binaries
#   STARTUP_TIMEOUT=120                     seconds a server may take to become ready
# Every response must be 200 without "errors" in its body; any other answer makes the run invalid
# and the script exits non-zero.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
QUERY=${QUERY:-'{ categories { code name } }'}
AUTH_HEADER=${AUTH_HEADER:-}
ONLY=${ONLY:-}
case "$ONLY" in "" | graphql | bare) ;; *) die "ONLY must be graphql or bare" ;; esac

bench_need_wrk
bench_need curl
targets=(--example bench_gql --example bench_report)
[ "$ONLY" = bare ] || targets+=(--bin reloop)
[ "$ONLY" = graphql ] || targets+=(--example bare_actix)
bench_build "${targets[@]}"

# ---- request body --------------------------------------------------------------------------
bench_example bench_gql body "$QUERY" >"$TMP/body.json"
HEADER_LINE=
if [ -n "$AUTH_HEADER" ]; then
    case "$AUTH_HEADER" in
    *:*) HEADER_LINE=$AUTH_HEADER ;;
    *) HEADER_LINE="Authorization: $AUTH_HEADER" ;;
    esac
fi

# ---- servers -------------------------------------------------------------------------------
NAMES=()
URLS=()
if [ "$ONLY" != bare ]; then
    bench_services postgres
    bench_database reloop_bench
    bench_server_start
    log "reloop serve on $URL ($BACKEND, log: $TMP/server.log)"
    NAMES+=(graphql)
    URLS+=("$URL")
fi
if [ "$ONLY" != graphql ]; then
    bench_bare_start
    log "bare_actix on $BARE_URL (log: $TMP/bare.log)"
    NAMES+=(bare)
    URLS+=("$BARE_URL")
fi
# One request each, shown, before any load.
for i in "${!NAMES[@]}"; do bench_probe "${NAMES[$i]}" "${URLS[$i]}" "$TMP/body.json" "$HEADER_LINE"; done

# ---- load ----------------------------------------------------------------------------------
export BENCH_BODY_FILE="$TMP/body.json" BENCH_HEADER="$HEADER_LINE"
INVALID=0
log "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per run, $ROUNDS rounds, warm-up $WARMUP; $(nproc) cores"
log "body: $(cat "$TMP/body.json")${HEADER_LINE:+ + header ${HEADER_LINE%%:*}}"
for i in "${!NAMES[@]}"; do bench_wrk warmup "${NAMES[$i]}" "$WARMUP" "${URLS[$i]}" same-body.lua || INVALID=1; done
[ "$INVALID" = 0 ] || die "errors during warm-up: results would be meaningless"
for r in $(seq 1 "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do bench_wrk "round$r" "${NAMES[$i]}" "$DURATION" "${URLS[$i]}" same-body.lua || INVALID=1; done
done
[ "$INVALID" = 0 ] || die "some runs had errors (see above): the benchmark is invalid"

bench_summary "reloop throughput" graphql,bare 1 60
bench_finish
