#!/usr/bin/env bash
# Start (or reuse) the project's Redis test server: a throwaway instance on
# 127.0.0.1, entirely under DIR, without systemd and without persistence. Safe to
# call from several test processes at once: one starts it, the others wait for it
# and reuse it. Prints KEY=VALUE lines (REDIS_URL, ...) on stdout and into
# DIR/redis.env; progress goes to stderr. No password: test data only, loopback
# only. Logs: DIR/redis.log.
#
# Usage: start.sh                      Stop: stop.sh [--purge]
# Env:
#   REDIS_SERVER_DIR  where the instance lives (default /tmp/stowage-redis)
#   REDIS_PORT        port on 127.0.0.1 (default 56379)
#   REDIS_BIN         the server binary (default /usr/bin/redis-server)
#   START_TIMEOUT     seconds to wait for the server (default 30)
# Needs (Debian 12; install.sh does it): apt-get install --no-install-recommends redis-server
set -euo pipefail
DIR=${REDIS_SERVER_DIR:-/tmp/stowage-redis}
REDIS_PORT=${REDIS_PORT:-56379}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
START_TIMEOUT=${START_TIMEOUT:-30}

START_NS=$(date +%s%N)
log() { printf '[redis-server %5.2fs] %s\n' "$(awk -v s="$START_NS" -v n="$(date +%s%N)" 'BEGIN{print (n-s)/1e9}')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -x "$REDIS_BIN" ] || die "missing $REDIS_BIN (bash scripts/redis-server/install.sh)"
command -v redis-cli >/dev/null || die "missing redis-cli (bash scripts/redis-server/install.sh)"

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
cd "$DIR"

exec 9>"$DIR.lock"
flock 9

print_info() {
  tee "$DIR/redis.env" <<INFO
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
REDIS_SERVER_DIR=$DIR
INFO
}
server_pid() { [ -s "$DIR/redis.pid" ] && cat "$DIR/redis.pid"; }
server_alive() { local pid; pid=$(server_pid) && kill -0 "$pid" 2>/dev/null; }
ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

# --- already running? -------------------------------------------------------
if server_alive && ready; then
  log "already running under $DIR"
  print_info
  exit 0
fi
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if server_alive; then
  log "stopping a server under $DIR that does not answer"
  REDIS_SERVER_DIR=$DIR bash "$(dirname "$0")/stop.sh"
fi
port_busy "$REDIS_PORT" && die "127.0.0.1:$REDIS_PORT is already in use (another server? set REDIS_PORT)"

rm -f "$DIR/redis.pid" "$DIR/redis.log" "$DIR/redis.env"
log "starting redis on 127.0.0.1:$REDIS_PORT"
# Throwaway data: no snapshots, no append-only file. The server must not inherit the
# lock: fd 9 is closed for it.
"$REDIS_BIN" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR" \
  --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" \
  --save '' --appendonly no 9>&- >/dev/null \
  || die "redis did not start (see $DIR/redis.log)"
for _ in $(seq $((START_TIMEOUT * 10))); do ready && break; sleep 0.1; done
ready || die "redis does not answer on 127.0.0.1:$REDIS_PORT (see $DIR/redis.log)"
log "ready"
print_info
