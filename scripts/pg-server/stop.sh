#!/usr/bin/env bash
# Stop the server that start.sh started under DIR, by the PID in its
# postmaster.pid only (never by process name).
# Usage: stop.sh [--purge]       (DIR: $PG_SERVER_DIR, default /tmp/stowage-pg)
#   default: fast shutdown (SIGINT: clients are disconnected), ~1 s
#   --purge: immediate shutdown (SIGQUIT) and delete DIR
set -uo pipefail
DIR=${PG_SERVER_DIR:-/tmp/stowage-pg}
MODE=${1:-}
[ -d "$DIR" ] || { echo "[pg-server] nothing under $DIR" >&2; exit 0; }

pid_file=$DIR/data/postmaster.pid
signal=INT
[ "$MODE" = --purge ] && signal=QUIT
if [ -s "$pid_file" ]; then
  pid=$(head -n1 "$pid_file")
  # A PID file left from before a reboot may name some other process now.
  if kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
    echo "[pg-server] stopping postgres (pid $pid, SIG$signal)" >&2
    kill -s "$signal" "$pid" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null; fi
  fi
fi
if [ "$MODE" = --purge ]; then
  rm -rf "$DIR"
fi
exit 0
