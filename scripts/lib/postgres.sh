# Sourced by scripts/test and scripts/bench: small helpers, and a throw-away
# PostgreSQL cluster on a free loopback port, run as a non-root user.
#
#   . scripts/lib/postgres.sh
#   start_postgres        # sets PG_DIR, PG_PORT and exports GOPY_TEST_PG_URL
#   trap stop_cluster EXIT
#
# Durability is worth nothing to a cluster that is deleted afterwards, so
# fsync and synchronous commits are off.

say() { printf '\n== %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    say "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin_dir() {
    local initdb
    initdb="$(command -v initdb 2>/dev/null || true)"
    if [ -z "$initdb" ]; then
        initdb="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    [ -n "$initdb" ] && dirname "$initdb"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

stop_cluster() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}

# Installs PostgreSQL if missing, starts a fresh cluster and exports
# GOPY_TEST_PG_URL; the caller traps stop_cluster on EXIT.
start_postgres() {
    PG_BIN="$(pg_bin_dir || true)"
    if [ -z "$PG_BIN" ]; then
        apt_install postgresql
        PG_BIN="$(pg_bin_dir)"
    fi

    # PostgreSQL refuses to run as root; use its own system user, or make one.
    PG_RUN=()
    if [ "$(id -u)" -eq 0 ]; then
        PG_USER=postgres
        id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
        PG_RUN=(runuser -u "$PG_USER" --)
    fi

    PG_DIR="$(mktemp -d /tmp/gopy-pg.XXXXXX)"
    [ "${#PG_RUN[@]}" -gt 0 ] && chown "$PG_USER" "$PG_DIR"

    say "starting a throw-away PostgreSQL cluster ($PG_BIN)"
    "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    local started="" _
    for _ in 1 2 3 4 5; do
        PG_PORT="$(free_port)"
        if "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
            -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null; then
            started=yes
            break
        fi
    done
    if [ -z "$started" ]; then
        echo "$0: PostgreSQL did not start; its log follows" >&2
        cat "$PG_DIR/server.log" >&2
        exit 1
    fi
    export GOPY_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}
