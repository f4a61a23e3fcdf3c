# shellcheck shell=bash
# `gql`: the shell helper of the README and docs/ examples. Source it (`source scripts/gql.sh`),
# then send a GraphQL document written as-is in a heredoc:
#
#   TOKEN=$ACCESS_TOKEN gql orderId="$ORDER_ID" first:=5 <<'GRAPHQL'
#   query Order($orderId: ID!) { pickupOrder(id: $orderId) { number status } }
#   GRAPHQL
#
# Arguments become the operation's variables: `name=text` a string, `name:=json` any JSON
# value. The request goes to $RELOOP/graphql (default http://127.0.0.1:8080), with
# `Authorization: Bearer $TOKEN` when TOKEN is set. Prints the JSON answer. Needs curl and jq.
#
# Why not `curl -d '{"query": "…"}'`: a JSON string cannot span lines, so a readable
# multi-line query is not valid JSON; jq builds the body from the document instead.

gql() {
    local -a variables=()
    local arg
    for arg in "$@"; do
        case $arg in
        *:=*) variables+=(--argjson "${arg%%:=*}" "${arg#*:=}") ;;
        *=*) variables+=(--arg "${arg%%=*}" "${arg#*=}") ;;
        *)
            echo "gql: arguments are name=text or name:=json, got '$arg'" >&2
            return 2
            ;;
        esac
    done
    jq -n --rawfile query /dev/stdin "${variables[@]}" \
        '{query: $query, variables: ($ARGS.named | del(.query))}' |
        curl -sS "${RELOOP:-http://127.0.0.1:8080}/graphql" \
            -H 'content-type: application/json' \
            ${TOKEN:+-H "authorization: Bearer $TOKEN"} \
            --data-binary @- || return
    echo
}
