#!/usr/bin/env bash
# The one test command (README and CI run exactly this):
#   build once, fmt + clippy, then the whole test suite twice:
#     1. "sqlite"   - embedded defaults (no RELOOP_TEST_* variables set)
#     2. "postgres" - against a throwaway PostgreSQL + Redis from scripts/services.sh
#
# Developer knobs:
#   SKIP_LINT=1              skip cargo fmt --check and clippy
#   ONLY=sqlite|postgres     run one test pass only
#   KEEP_SERVICES_LOGS=1     keep the services directory (logs) even when everything passed
# Extra arguments are passed to the test runner (e.g. a test name filter).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

: "${RUST_LOG:=warn}"
export RUST_LOG
# A clean clone gains nothing from incremental data (gigabytes for this workspace), and CI
# disks are small; set CARGO_INCREMENTAL=1 to keep it when iterating locally.
: "${CARGO_INCREMENTAL:=0}"
export CARGO_INCREMENTAL
SKIP_LINT=${SKIP_LINT:-0}
ONLY=${ONLY:-}
case "$ONLY" in
"" | sqlite | postgres) ;;
*)
    echo "test.sh: ONLY must be 'sqlite' or 'postgres' (got '$ONLY')" >&2
    exit 2
    ;;
esac
# Colours for people, plain text for CI logs (output is also parsed for the test counts).
if [ -t 1 ] && [ -z "${CARGO_TERM_COLOR:-}" ]; then export CARGO_TERM_COLOR=always; fi

WORK=$(mktemp -d /tmp/reloop-test.XXXXXX)
chmod 0711 "$WORK" # the postgres user must reach the cluster in $WORK/services/pg
SERVICES_DIR="$WORK/services"
SERVICES_STARTED=0
STEPS=()   # "name|status|seconds"
FAILED=()
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
COUNTS_KNOWN=1
T0=$SECONDS

cleanup() {
    local rc=$?
    if [ "$SERVICES_STARTED" = 1 ]; then
        bash scripts/services.sh stop "$SERVICES_DIR" || echo "test.sh: WARNING: could not stop the test services in $SERVICES_DIR" >&2
    fi
    if [ "$rc" -ne 0 ] || [ "${KEEP_SERVICES_LOGS:-0}" = 1 ]; then
        rm -f "$WORK"/*.log
        if [ -d "$SERVICES_DIR" ]; then
            echo "test.sh: services logs kept in $SERVICES_DIR" >&2
        else
            rmdir "$WORK" 2>/dev/null || true
        fi
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

banner() { printf '\n==> %s\n' "$*"; }

fmt_secs() {
    local s=$1
    if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# run_step NAME CMD...  - runs CMD, records ok/FAILED and the time taken; never exits.
run_step() {
    local name=$1 start=$SECONDS rc=0
    shift
    banner "$name: $*"
    "$@" || rc=$?
    record "$name" "$rc" $((SECONDS - start))
    disk_report
    return "$rc"
}

# Free disk after each step: a run that dies of a full disk says so in its log.
disk_report() {
    df -h "${CARGO_TARGET_DIR:-$ROOT/target}" "$WORK" 2>/dev/null | sed 's/^/test.sh: disk: /' || true
}

record() { # NAME RC SECONDS
    if [ "$2" -eq 0 ]; then
        STEPS+=("$1|ok|$3")
    else
        STEPS+=("$1|FAILED (exit $2)|$3")
        FAILED+=("$1")
    fi
}

# Add up the runner's own counts from a captured log: nextest's "Summary" line, or libtest's
# "test result:" lines. Sets COUNTS_KNOWN=0 when the log has none (the run died before counting).
count_tests() { # nextest|libtest LOGFILE
    local kind=$1 log=$2 text
    if [ "$kind" = nextest ]; then
        text=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Summary \[' | tail -n 1 || true)
    else
        text=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^test result: ' || true)
    fi
    if [ -z "$text" ]; then
        COUNTS_KNOWN=0
        return 0
    fi
    _count() { { grep -oE "[0-9]+ ($1)" <<<"$text" || true; } | awk '{s += $1} END {print s + 0}'; }
    TOTAL_PASSED=$((TOTAL_PASSED + $(_count 'passed')))
    TOTAL_FAILED=$((TOTAL_FAILED + $(_count 'failed|timed out')))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + $(_count 'skipped|ignored')))
}

# run_tests NAME - runs the suite in the current environment; output to the console and a log.
run_tests() {
    local name=$1 log="$WORK/tests-$1.log" start=$SECONDS rc=0
    banner "tests ($name): ${TEST_CMD[*]} ${TEST_ARGS[*]}"
    "${TEST_CMD[@]}" "${TEST_ARGS[@]}" 2>&1 | tee "$log" || rc=$?
    record "tests ($name)" "$rc" $((SECONDS - start))
    disk_report
    count_tests "$RUNNER" "$log"
}

# nextest does not run doctests: run them once (they do not use the services).
run_doctests() {
    local log="$WORK/doctests.log" start=$SECONDS rc=0
    banner "doctests: cargo test --workspace --doc"
    cargo test "${LOCKED[@]}" --workspace --doc 2>&1 | tee "$log" || rc=$?
    record "doctests" "$rc" $((SECONDS - start))
    count_tests libtest "$log"
}

summary() {
    local entry name status secs result
    printf '\n==================== reloop test summary ====================\n'
    for entry in "${STEPS[@]}"; do
        IFS='|' read -r name status secs <<<"$entry"
        printf '  %-22s %-16s %s\n' "$name" "$status" "$(fmt_secs "$secs")"
    done
    printf '  %-22s %-16s %s\n' "total" "" "$(fmt_secs $((SECONDS - T0)))"
    if [ "${#FAILED[@]}" -eq 0 ]; then
        result="PASSED"
    else
        result="FAILED: $(printf '%s, ' "${FAILED[@]}")"
        result=${result%, }
    fi
    printf '=============================================================\n'
    echo "RESULT: $result"
    if [ "$COUNTS_KNOWN" = 1 ] && [ "$((TOTAL_PASSED + TOTAL_FAILED))" -gt 0 ]; then
        echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
    fi
}

# The documentation examples (tests/api/docs) run curl, jq and openssl; the GraphiQL and
# console browser tests (tests/api/graphiql.rs, tests/api/console/) drive Chromium through
# chromedriver (the console's in the SQLite pass only). Missing ones are installed
# from Debian, like PostgreSQL and Redis below. Only if the browser cannot be installed does
# its test skip (RELOOP_REQUIRE_BROWSER=1 otherwise makes a missing browser a failure).
install_tools() {
    local missing=() sudo=() apt=(-q -o DPkg::Lock::Timeout=300) tool
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); fi
        echo "installing ${missing[*]} with apt-get"
        { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt[@]}" update >/dev/null &&
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt[@]}" install -y \
                --no-install-recommends "${missing[@]}" >/dev/null; } ||
            echo "test.sh: WARNING: apt-get install ${missing[*]} failed" >&2
    fi
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        export RELOOP_REQUIRE_BROWSER=1
    else
        echo "test.sh: WARNING: no chromium/chromedriver: the GraphiQL and console browser tests will skip" >&2
    fi
    for tool in curl jq openssl; do
        command -v "$tool" >/dev/null 2>&1 || {
            echo "test.sh: $tool is missing: the documentation examples cannot run" >&2
            return 1
        }
    done
}

# ---------------------------------------------------------------------------------------------

LOCKED=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
elif [ -f Cargo.lock ]; then
    LOCKED=(--locked)
fi

if cargo nextest --version >/dev/null 2>&1; then
    RUNNER=nextest
    TEST_CMD=(cargo nextest run "${LOCKED[@]}" --workspace --no-fail-fast)
else
    RUNNER=libtest
    TEST_CMD=(cargo test "${LOCKED[@]}" --workspace --no-fail-fast)
fi
TEST_ARGS=("$@")

echo "reloop tests in $ROOT"
echo "  $(cargo --version); runner: $RUNNER${LOCKED[*]:+; --locked (Cargo.lock is committed)}; RUST_LOG=$RUST_LOG"

# fmt first: instant, and it reports independently of the build.
if [ "$SKIP_LINT" != 1 ]; then
    run_step "fmt" cargo fmt --all -- --check || true
fi

if ! run_step "build" cargo build "${LOCKED[@]}" --workspace --all-targets; then
    summary
    exit 1
fi

run_step "tools" install_tools || true

if [ "$SKIP_LINT" != 1 ]; then
    run_step "clippy" cargo clippy "${LOCKED[@]}" --workspace --all-targets -- -D warnings || true
fi

if [ -z "$ONLY" ] || [ "$ONLY" = sqlite ]; then
    # Embedded defaults: no RELOOP_TEST_* variable from the caller may leak in.
    while read -r var; do unset "$var"; done < <(compgen -e | grep '^RELOOP_TEST_' || true)
    run_tests sqlite
    if [ "$RUNNER" = nextest ] && [ "${#TEST_ARGS[@]}" -eq 0 ]; then run_doctests; fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = postgres ]; then
    banner "services: starting PostgreSQL + Redis in $SERVICES_DIR"
    start=$SECONDS
    SERVICES_STARTED=1
    if bash scripts/services.sh start "$SERVICES_DIR"; then
        record "services" 0 $((SECONDS - start))
        set -a
        # shellcheck disable=SC1091
        . "$SERVICES_DIR/env"
        set +a
        echo "RELOOP_TEST_DATABASE_URL=$RELOOP_TEST_DATABASE_URL"
        echo "RELOOP_TEST_REDIS_URL=$RELOOP_TEST_REDIS_URL"
        run_tests postgres
    else
        record "services" 1 $((SECONDS - start))
        echo "test.sh: could not start PostgreSQL/Redis (logs in $SERVICES_DIR)" >&2
    fi
fi

summary
[ "${#FAILED[@]}" -eq 0 ]
