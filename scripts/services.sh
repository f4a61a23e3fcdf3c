#!/usr/bin/env bash
# Throwaway PostgreSQL + Redis on loopback for the test suite.
#
#   scripts/services.sh start DIR   install (apt, only if missing), start both, write DIR/env
#   scripts/services.sh stop DIR    stop what `start DIR` started (idempotent)
#
# DIR/env holds RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL as KEY=VALUE lines
# (load it with `set -a; . DIR/env; set +a`). Logs: DIR/redis.log and <pg root>/server.log
# (DIR/pg unless DIR is not reachable by the postgres user; see DIR/state).
# The system clusters/services (Debian's `main` cluster, a system redis) are never touched.
#
# When sourced, defines services_start DIR / services_stop DIR, which run this file as a
# separate bash process (so the caller's shell options and traps are left alone).

_svc_log() { printf 'services: %s\n' "$*" >&2; }
_svc_die() {
    _svc_log "ERROR: $*"
    exit 1
}

# Echo a TCP port that is free on 127.0.0.1 right now (different from any argument given).
_svc_free_port() {
    local port i
    for i in $(seq 1 50); do
        if command -v python3 >/dev/null 2>&1; then
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
        else
            port=$((20000 + RANDOM % 30000))
            if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then continue; fi
        fi
        case " $* " in *" $port "*) continue ;; esac
        echo "$port"
        return 0
    done
    _svc_die "could not find a free port"
}

_svc_pgbin() {
    local d
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

# Run a command as the postgres user when we are root, else as ourselves.
_svc_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_svc_install() {
    local missing=()
    _svc_pgbin >/dev/null || missing+=(postgresql)
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    [ "${#missing[@]}" -eq 0 ] && return 0

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || _svc_die "need ${missing[*]} but not root and no sudo"
        sudo=(sudo -n)
    fi
    _svc_log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    local apt_opts=(-q -o DPkg::Lock::Timeout=300)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >/dev/null ||
        _svc_die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
        "${missing[@]}" >/dev/null || _svc_die "apt-get install ${missing[*]} failed"
    _svc_pgbin >/dev/null || _svc_die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
    command -v redis-server >/dev/null 2>&1 || _svc_die "redis-server still missing after apt-get"
}

_svc_state_get() { # KEY FILE
    sed -n "s/^$1=//p" "$2" 2>/dev/null | tail -n 1
}

_svc_start_redis() { # DIR
    local dir=$1 port attempt i pid
    for attempt in 1 2 3; do
        port=$(_svc_free_port) || return 1
        rm -f "$dir/redis.pid"
        if redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
            --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >>"$dir/redis-start.log" 2>&1; then
            for i in $(seq 1 100); do
                if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
                    # pidfile is written right after startup; wait for it so `stop` can find the process
                    for _ in $(seq 1 50); do [ -s "$dir/redis.pid" ] && break; sleep 0.1; done
                    echo "$port"
                    return 0
                fi
                pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
                if [ "$i" -gt 10 ] && { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; }; then
                    break
                fi
                sleep 0.1
            done
        fi
        _svc_log "redis on port $port did not come up (attempt $attempt); see $dir/redis.log"
        pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    done
    tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
    return 1
}

_svc_start_pg() { # DIR PGROOT PGBIN REDIS_PORT
    local dir=$1 pgroot=$2 pgbin=$3 avoid=$4 port attempt
    local data="$pgroot/data" sock="$pgroot/sock" log="$pgroot/server.log"
    if [ "$(id -u)" -eq 0 ]; then
        install -d -m 0700 -o postgres -g postgres "$pgroot" "$sock" || return 1
    else
        install -d -m 0700 "$pgroot" "$sock" || return 1
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        _svc_as_pg "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C \
            >"$pgroot/initdb.log" 2>&1 || {
            cat "$pgroot/initdb.log" >&2
            return 1
        }
    fi
    for attempt in 1 2 3; do
        port=$(_svc_free_port "$avoid") || return 1
        if _svc_as_pg "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c max_wal_size=128MB -c min_wal_size=32MB" \
            start >/dev/null 2>&1; then
            # pg_ctl -w already waited; double-check over TCP as a client would connect
            for _ in $(seq 1 100); do
                if psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtqc 'select 1' >/dev/null 2>&1; then
                    echo "$port"
                    return 0
                fi
                sleep 0.1
            done
            _svc_as_pg "$pgbin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        _svc_log "postgres on port $port did not come up (attempt $attempt); see $log"
    done
    tail -n 30 "$log" >&2 2>/dev/null || true
    return 1
}

_svc_start() ( # DIR
    set -euo pipefail
    local dir=${1:?usage: services.sh start DIR}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -e "$dir/state" ] && _svc_die "$dir/state exists: services already started there? run stop first"

    _svc_install
    local pgbin
    pgbin=$(_svc_pgbin)

    # The postgres user must be able to reach the data dir. DIR may be private (mktemp -d is 0700)
    # or sit under a private parent (/root); then fall back to a directory of its own under /tmp.
    # Keep the unix socket path short (limit ~107 bytes).
    local pgroot="$dir/pg" pgroot_external=0
    if [ "$(id -u)" -eq 0 ]; then
        chmod o+x "$dir" 2>/dev/null || true
        if ! runuser -u postgres -- test -x "$dir" 2>/dev/null || [ "${#dir}" -gt 70 ]; then
            pgroot=$(mktemp -d /tmp/reloop-pg.XXXXXX)
            pgroot_external=1
        fi
    elif [ "${#dir}" -gt 70 ]; then
        pgroot=$(mktemp -d /tmp/reloop-pg.XXXXXX)
        pgroot_external=1
    fi

    {
        echo "pgbin=$pgbin"
        echo "pgroot=$pgroot"
        echo "pgroot_external=$pgroot_external"
    } >"$dir/state"

    local redis_port pg_port
    redis_port=$(_svc_start_redis "$dir") || _svc_die "could not start redis (log: $dir/redis.log)"
    echo "redis_port=$redis_port" >>"$dir/state"
    _svc_log "redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on 127.0.0.1:$redis_port"

    pg_port=$(_svc_start_pg "$dir" "$pgroot" "$pgbin" "$redis_port") ||
        _svc_die "could not start postgres (log: $pgroot/server.log)"
    echo "pg_port=$pg_port" >>"$dir/state"
    _svc_log "postgres $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (data: $pgroot/data)"

    {
        echo "RELOOP_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres"
        echo "RELOOP_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
    } >"$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
)

_svc_stop() ( # DIR
    set -uo pipefail
    local dir=${1:?usage: services.sh stop DIR}
    [ -d "$dir" ] || return 0
    local state="$dir/state" rc=0
    [ -f "$state" ] || return 0

    # Redis: polite shutdown, then the pid we started if it is still there.
    local redis_port pid i
    redis_port=$(_svc_state_get redis_port "$state")
    pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
    if [ -n "$redis_port" ]; then
        redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    fi
    if [ -n "$pid" ]; then
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            _svc_log "redis (pid $pid) did not exit; killing it"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi

    # PostgreSQL: fast shutdown of our own cluster only (by its data dir).
    local pgbin pgroot external
    pgbin=$(_svc_state_get pgbin "$state")
    pgroot=$(_svc_state_get pgroot "$state")
    external=$(_svc_state_get pgroot_external "$state")
    if [ -n "$pgroot" ] && [ -f "$pgroot/data/postmaster.pid" ]; then
        if ! _svc_as_pg "$pgbin/pg_ctl" -D "$pgroot/data" -m fast -w -t 60 stop >/dev/null 2>&1; then
            _svc_log "pg_ctl stop -m fast failed; trying -m immediate"
            _svc_as_pg "$pgbin/pg_ctl" -D "$pgroot/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || rc=1
        fi
    fi
    if [ "$external" = 1 ] && [ -n "$pgroot" ] && [ -d "$pgroot" ] && [ ! -f "$pgroot/data/postmaster.pid" ]; then
        rm -rf "$pgroot"
    fi
    [ "$rc" -eq 0 ] && rm -f "$state" "$dir/env"
    return "$rc"
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    _SVC_SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
    services_start() { bash "$_SVC_SELF" start "$@"; }
    services_stop() { bash "$_SVC_SELF" stop "$@"; }
else
    set -euo pipefail
    case "${1:-}" in
    start) _svc_start "${2:?usage: services.sh start DIR}" ;;
    stop) _svc_stop "${2:?usage: services.sh stop DIR}" ;;
    *)
        echo "usage: $0 start|stop DIR" >&2
        exit 2
        ;;
    esac
fi
