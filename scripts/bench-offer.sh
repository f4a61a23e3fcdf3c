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
#   SERVICES=1 scripts/bench-offer.sh                       # the same on a throwaway PostgreSQL
#                                                           # + Redis (scripts/services.sh)
# Steps: start the server once (migrations + demo seed) and stop it; raise
# service_areas.slot_capacity to 100000000 (every booking uses tomorrow 02:00–04:00Z; a slot
# holds 10 by default) and create the operator with `reloop create-operator`; start the server
# again and run the client (COLLECTORS, BOOKINGS, WARMUP are passed through; see the example).
#
# Environment (all optional): COLLECTORS=20 BOOKINGS=300 WARMUP=20, SKIP_BUILD=1 (use the
# existing release binaries), KEEP_DB=1 (PostgreSQL: keep the database), STARTUP_TIMEOUT=120.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench-offer

export RELOOP_QUOTES_PER_MINUTE_USER=1000000000
export RELOOP_QUOTES_PER_MINUTE_ANONYMOUS=1000000000
export RELOOP_ACCESS_TOKEN_TTL_SECS=3600
export RELOOP_JWT_SECRET=bench-offer-secret-bench-offer-secret-0123456789

bench_need curl
bench_build --bin reloop --example bench_offer_latency

# ---- database, Redis and server ------------------------------------------------------------
bench_services postgres redis
bench_database reloop_bench_offer
bench_redis bench-offer
log "first start (migrate + seed), $BACKEND"
bench_server_start
bench_server_stop
bench_raise_slot_capacity
bench_create_operator
bench_server_start
log "reloop on http://127.0.0.1:$PORT ($BACKEND; $(nproc) cores; log: $TMP/server.log)"

BENCH_URL="http://127.0.0.1:$PORT" BENCH_OPERATOR_EMAIL="$OPERATOR_EMAIL" BENCH_OPERATOR_PASSWORD="$OPERATOR_PASSWORD" \
    bench_example bench_offer_latency || die "the client failed"
log "orders: $(bench_sql "SELECT count(*) FROM pickup_orders"), offers: $(bench_sql "SELECT count(*) FROM job_offers"), backend: $BACKEND"
bench_finish
