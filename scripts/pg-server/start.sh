#!/usr/bin/env bash
# Start (or reuse) the project's PostgreSQL test server: a throwaway cluster on
# 127.0.0.1, entirely under DIR, without systemd and without the cluster the
# Debian package may have made. Safe to call from several test processes at once:
# one starts it, the others wait for it and reuse it. Prints KEY=VALUE lines
# (PG_CONNECTION_STRING, ...) on stdout and into DIR/pg.env; progress goes to
# stderr. Any local user may connect as the superuser without a password (trust
# auth on loopback): test data only. Logs: DIR/postgres.log.
#
# Usage: start.sh                      Stop: stop.sh [--purge]
# Env:
#   PG_SERVER_DIR  where the cluster lives (default /tmp/stowage-pg)
#   PG_PORT        port on 127.0.0.1 (default 55432)
#   PG_BIN         initdb, pg_ctl, ... (default /usr/lib/postgresql/15/bin)
#   PG_LOCALE      cluster locale (default C.UTF-8: code point order, the only
#                  UTF-8 locale a slim Debian has)
#   START_TIMEOUT  seconds to wait for the server (default 60)
# Needs (Debian 12; install.sh does it): apt-get install --no-install-recommends postgresql-15
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${PG_SERVER_DIR:-/tmp/stowage-pg}
PG_PORT=${PG_PORT:-55432}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_LOCALE=${PG_LOCALE:-C.UTF-8}
START_TIMEOUT=${START_TIMEOUT:-60}
SUPERUSER=postgres

START_NS=$(date +%s%N)
log() { printf '[pg-server %5.2fs] %s\n' "$(awk -v s="$START_NS" -v n="$(date +%s%N)" 'BEGIN{print (n-s)/1e9}')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for b in initdb pg_ctl postgres pg_isready; do
  [ -x "$PG_BIN/$b" ] || die "missing $PG_BIN/$b (bash scripts/pg-server/install.sh)"
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
DATA=$DIR/data
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# 'postgres' system user the Debian package creates.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' system user (bash scripts/pg-server/install.sh)"
  chown postgres: "$DIR"
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi
as_owner test -w "$DIR" || die "$DIR is not writable by $(as_owner id -un) (a parent directory closed to it?)"
cd "$DIR"

exec 9>"$DIR.lock"
flock 9

print_info() {
  tee "$DIR/pg.env" <<INFO
PG_CONNECTION_STRING=postgres://$SUPERUSER@127.0.0.1:$PG_PORT/postgres
PG_HOST=127.0.0.1
PG_PORT=$PG_PORT
PG_USER=$SUPERUSER
PG_SERVER_DIR=$DIR
INFO
}
postmaster_pid() { [ -s "$DATA/postmaster.pid" ] && head -n1 "$DATA/postmaster.pid"; }
postmaster_alive() { local pid; pid=$(postmaster_pid) && kill -0 "$pid" 2>/dev/null; }
ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres; }

# --- already running? -------------------------------------------------------
if postmaster_alive && ready; then
  log "already running under $DIR"
  print_info
  exit 0
fi
# A half-started or crashed server under DIR: stop it (by its PID file), then
# start afresh. Data of an earlier cluster is never reused.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if postmaster_alive; then
  log "stopping a server under $DIR that does not answer"
  PG_SERVER_DIR=$DIR "$HERE/stop.sh"
  # its backends only notice the postmaster's death (and free the port) a moment later
  for _ in $(seq 50); do port_busy "$PG_PORT" || break; sleep 0.1; done
fi
port_busy "$PG_PORT" && die "127.0.0.1:$PG_PORT is already in use (another server? set PG_PORT)"

rm -rf "$DATA" "$DIR/postgres.log" "$DIR/pg.env" "$DIR"/.s.PGSQL.*
log "initdb $DATA ($PG_LOCALE)"
as_owner "$PG_BIN/initdb" --pgdata="$DATA" --username="$SUPERUSER" --auth=trust \
  --encoding=UTF8 --locale="$PG_LOCALE" --no-sync >"$DIR/initdb.log" 2>&1 \
  || die "initdb failed (see $DIR/initdb.log)"
# Throwaway data: no durability, so no waiting on the disk.
cat >>"$DATA/postgresql.conf" <<CONF

# --- stowage test server (scripts/pg-server/start.sh) ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
CONF
log "starting postgres on 127.0.0.1:$PG_PORT"
# The server must not inherit the lock: fd 9 is closed for it.
as_owner "$PG_BIN/pg_ctl" --pgdata="$DATA" --log="$DIR/postgres.log" --wait \
  --timeout="$START_TIMEOUT" --silent start 9>&- >/dev/null \
  || die "postgres did not start (see $DIR/postgres.log)"
ready || die "postgres does not answer on 127.0.0.1:$PG_PORT (see $DIR/postgres.log)"
log "ready"
print_info
