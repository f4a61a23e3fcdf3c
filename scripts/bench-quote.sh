#!/usr/bin/env bash
# requestQuote throughput for a 3-item quote, as a ratio of the bare actix-web endpoint,
# with the same harness as the foundation benchmark (scripts/bench.sh). The anonymous
# quote budgets (count- and cost-based) are lifted so the rate limiters do not answer
# instead of the engine.
#
#   scripts/bench-quote.sh                               # SQLite (embedded defaults)
#   DATABASE_URL=postgres://… scripts/bench-quote.sh     # PostgreSQL (a fresh database)
#   SERVICES=1 scripts/bench-quote.sh                    # throwaway PostgreSQL (scripts/services.sh)
#
# Environment: everything scripts/bench.sh reads (DURATION, CONNECTIONS, THREADS, WARMUP,
# ROUNDS, ONLY, SKIP_BUILD, KEEP_DB, ...) except QUERY, which is the quote below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RELOOP_QUOTES_PER_MINUTE_ANONYMOUS=1000000000
export RELOOP_ANONYMOUS_QUOTE_CAPACITY=1000000000 RELOOP_ANONYMOUS_QUOTE_REFILL_PER_SEC=1000000000
export QUERY='mutation { requestQuote(input: {items: [
  {categoryCode: "LAPTOP", condition: GOOD},
  {categoryCode: "SMALL_APPLIANCE", weightKg: "4.5"},
  {categoryCode: "LEAD_ACID_BATTERY", battery: {chemistry: LEAD_ACID, weightKg: "15"}}],
  pickupLocation: {latitude: 31.23, longitude: 121.47}}) { id total lines { amount } } }'
exec scripts/bench.sh "$@"
