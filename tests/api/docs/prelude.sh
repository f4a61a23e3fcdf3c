# What tests/api/docs runs before a page's `sh` blocks: strict mode, and the two things it
# substitutes, so the blocks themselves run exactly as a reader pastes them.
set -euo pipefail

# `cargo run [-q] [--release] [--example NAME] -- ARGS`: the binaries this test run built from
# the same sources (RELOOP_BIN, EXAMPLES_DIR), not a second (release) build. The environment
# (data folder, DATABASE_URL, REDIS_URL) is the test server's, as on the server's machine.
cargo() {
    if [ "${1:-}" != run ]; then
        echo "examples test: only 'cargo run' is supported, got: cargo $*" >&2
        return 2
    fi
    shift
    local bin=$RELOOP_BIN
    while [ $# -gt 0 ]; do
        case $1 in
        -q | --quiet | --release) shift ;;
        --example)
            bin=$EXAMPLES_DIR/$2
            shift 2
            ;;
        --)
            shift
            break
            ;;
        *)
            echo "examples test: unsupported 'cargo run' option $1" >&2
            return 2
            ;;
        esac
    done
    "$bin" "$@"
}

# curl, as the reader's, except that each answer of /graphql is also appended to $ANSWERS
# and must have `data` and no `errors`: a failing example stops the run where it failed.
curl() {
    local answer rc=0 graphql=0 arg
    for arg in "$@"; do
        case $arg in */graphql | */graphql\?*) graphql=1 ;; esac
    done
    answer=$(command curl "$@") || rc=$?
    if [ "$graphql" = 1 ]; then
        printf '%s\n' "$answer" >>"$ANSWERS"
        if ! jq -e '(.data != null) and (has("errors") | not)' >/dev/null 2>&1 <<<"$answer"; then
            printf 'examples test: an answer with errors or without data:\n%s\n' "$answer" >&2
            return 1
        fi
    fi
    printf '%s' "$answer"
    return "$rc"
}
