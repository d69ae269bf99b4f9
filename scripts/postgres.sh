# A throwaway PostgreSQL server for tests and benchmarks: sourced, not run.
# initdb as the postgres user into a temp folder, a Unix socket only, stopped and removed at
# exit (also on failure or Ctrl-C). Exports SETTLE_TEST_POSTGRES_URL.

PG_PACKAGES=(postgresql libpq-dev)

start_throwaway_postgres() {
    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
    PG_DIR="$(mktemp -d /tmp/settle-pg.XXXXXX)"
    chmod 755 "$PG_DIR"
    as_postgres() {
        if [ "$(id -un)" = postgres ]; then "$@"
        elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
        else sudo -u postgres "$@"; fi
    }
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; else sudo chown postgres "$PG_DIR"; fi
    as_postgres "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    # Durability settings off: this server lives for one test run.
    as_postgres "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-k $PG_DIR -c listen_addresses='' ${PG_EXTRA_OPTIONS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}" start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_BINDIR="$bindir"
    trap stop_throwaway_postgres EXIT
    export SETTLE_TEST_POSTGRES_URL="postgresql:///postgres?host=$PG_DIR&user=postgres"
    say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running on $PG_DIR (Unix socket)"
}

stop_throwaway_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    as_postgres "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
