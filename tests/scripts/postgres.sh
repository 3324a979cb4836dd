#!/usr/bin/env bash
# Sourced by build.sh test (and by hand: `source tests/scripts/postgres.sh`): starts a throwaway PostgreSQL cluster
# on 127.0.0.1 for the storage suite and exports
#   AOTBOT_TEST_POSTGRES       Npgsql connection string of an empty database in it
#   AOTBOT_TEST_POSTGRES_CTL   a script taking stop|start, for the test where the database goes away and comes back
# and defines postgres_stop, which stops the cluster and deletes it. Quiet unless something fails.
# As root the server runs as the `postgres` user (it refuses to run as root; the user is created if missing),
# otherwise as the calling user. Finds Debian's /usr/lib/postgresql/<version>/bin (newest first), else initdb on PATH.

_aotbot_pg_start() {
  local bindir="" candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bindir=$candidate; break; fi
  done
  if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then bindir=$(dirname "$(command -v initdb)"); fi
  if [ -z "$bindir" ]; then
    echo "postgres.sh: PostgreSQL not found (Debian: apt-get install postgresql); its storage tests are skipped" >&2
    return 0
  fi

  local dir
  _AOTBOT_PG_RUN=()
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres \
        || { echo "postgres.sh: cannot create the postgres user" >&2; return 1; }
    fi
    _AOTBOT_PG_RUN=(runuser -u postgres --)
    # /tmp rather than $TMPDIR, which may sit in a home the postgres user cannot enter.
    dir=$(mktemp -d /tmp/aotbot-pg.XXXXXX) || return 1
    chown postgres: "$dir" || { rm -rf "$dir"; return 1; }
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/aotbot-pg.XXXXXX") || return 1
  fi
  _AOTBOT_PG_DIR=$dir
  _AOTBOT_PG_BIN=$bindir

  if ! "${_AOTBOT_PG_RUN[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; postgres_stop; return 1
  fi

  # A throwaway cluster: durability off for speed, sockets in its own folder, TCP on loopback only.
  # The port is a random free one: pg_ctl -w fails when it is taken, and the next one is tried.
  local port opts started="" attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off"
    opts+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    if "${_AOTBOT_PG_RUN[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 30 start \
        >/dev/null 2>&1; then
      started=1; break
    fi
  done
  if [ -z "$started" ]; then
    echo "postgres.sh: the server did not start:" >&2; tail -n 20 "$dir/server.log" >&2; postgres_stop; return 1
  fi
  if ! "${_AOTBOT_PG_RUN[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres aotbot_test \
      >"$dir/createdb.log" 2>&1; then
    echo "postgres.sh: createdb failed:" >&2; cat "$dir/createdb.log" >&2; postgres_stop; return 1
  fi

  # stop|start for the tests, with the options the cluster started with.
  local as=""
  [ ${#_AOTBOT_PG_RUN[@]} -eq 0 ] || as="runuser -u postgres -- "
  cat >"$dir/ctl" <<CTL
#!/bin/sh
# Stops or starts the throwaway test cluster in $dir.
case "\$1" in
  stop) exec $as$bindir/pg_ctl -D $dir/data -m fast -w stop >/dev/null ;;
  start) exec $as$bindir/pg_ctl -D $dir/data -o "$opts" -l $dir/server.log -w -t 30 start >/dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
  chmod 755 "$dir/ctl"

  export AOTBOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=aotbot_test"
  export AOTBOT_TEST_POSTGRES_CTL="$dir/ctl"
  return 0
}

postgres_stop() {
  [ -n "${_AOTBOT_PG_DIR:-}" ] || return 0
  if [ -f "$_AOTBOT_PG_DIR/data/postmaster.pid" ]; then
    "${_AOTBOT_PG_RUN[@]}" "$_AOTBOT_PG_BIN/pg_ctl" -D "$_AOTBOT_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$_AOTBOT_PG_DIR"
  unset AOTBOT_TEST_POSTGRES AOTBOT_TEST_POSTGRES_CTL _AOTBOT_PG_DIR _AOTBOT_PG_BIN _AOTBOT_PG_RUN
  return 0
}

_aotbot_pg_start
