#!/usr/bin/env bash
# Stop the server that start.sh started under DIR, by the PID in its redis.pid only
# (never by process name).
# Usage: stop.sh [--purge]       (DIR: $REDIS_SERVER_DIR, default /tmp/stowage-redis)
#   default: SIGTERM (it has nothing to save), ~0.1 s
#   --purge: also delete DIR
set -uo pipefail
DIR=${REDIS_SERVER_DIR:-/tmp/stowage-redis}
MODE=${1:-}
[ -d "$DIR" ] || { echo "[redis-server] nothing under $DIR" >&2; exit 0; }

pid_file=$DIR/redis.pid
if [ -s "$pid_file" ]; then
  pid=$(cat "$pid_file")
  # A PID file left from before a reboot may name some other process now.
  if kill -0 "$pid" 2>/dev/null && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-* ]]; then
    echo "[redis-server] stopping redis (pid $pid)" >&2
    kill -s TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null; fi
  fi
  rm -f "$pid_file"
fi
if [ "$MODE" = --purge ]; then
  rm -rf "$DIR"
fi
exit 0
