#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, on 127.0.0.1 only (Debian's `postgresql`).
#
#   eval "$(scripts/test_postgres.sh start)"   # installs it if missing, starts it, prints the export line
#   .venv/bin/pytest -q                        # the store tests now run on SQLite *and* PostgreSQL
#   scripts/test_postgres.sh stop
#
# Idempotent: `start` on a running server only prints the export line again. The cluster lives in
# $PANTAU_PG_DIR (default /tmp/pantau-pg), owned by the `postgres` user when run as root, with fsync
# off (it holds test data only) and its time zone Asia/Jakarta (the store must not depend on it).
# The role `pantau` may create databases: each test gets a fresh one.
set -euo pipefail
DIR=${PANTAU_PG_DIR:-/tmp/pantau-pg}
PORT=${PANTAU_PG_PORT:-55432}
PW=pantau-test
URL="postgresql+psycopg://pantau:$PW@127.0.0.1:$PORT/pantau"

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-start}" in
start)
  if [ -z "$(bindir)" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql (as root)" >&2; exit 1; }
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >&2
  fi
  BIN=$(bindir)
  if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    if [ ! -s "$DIR/data/PG_VERSION" ]; then
      rm -rf "$DIR"
      mkdir -p "$DIR"
      [ "$(id -u)" -ne 0 ] || chown postgres: "$DIR"
      as_pg sh -c "umask 077; echo '$PW' > '$DIR/pw'"
      as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$DIR/pw" -E UTF8 \
        --locale=C.UTF-8 >&2
    fi
    # loopback only: TCP on 127.0.0.1, the Unix socket in $DIR (not /var/run/postgresql)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200 -c timezone=Asia/Jakarta" >&2
  fi
  export PGPASSWORD=$PW
  psql() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
  if [ "$(psql -d postgres -c "SELECT count(*) FROM pg_roles WHERE rolname = 'pantau'")" = 0 ]; then
    psql -d postgres -c "CREATE ROLE pantau LOGIN CREATEDB PASSWORD '$PW'"
  fi
  if [ "$(psql -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'pantau'")" = 0 ]; then
    psql -d postgres -c "CREATE DATABASE pantau OWNER pantau"
  fi
  echo "export PANTAU_TEST_POSTGRES_URL='$URL'"
  ;;
stop)
  BIN=$(bindir)
  if [ -n "$BIN" ] && [ -d "$DIR/data" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
  fi
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
