#!/usr/bin/env bash
# Stop the daemons that start-rgw.sh started under DIR, by the PIDs in
# DIR/run/{rgw,osd,mon}.pid only (never by process name).
# Usage: stop-rgw.sh [DIR] [--purge]
#   default: SIGTERM one by one, rgw → osd → mon (~5 s). Order matters: a
#            radosgw whose OSD is already gone waits 120 s before exiting.
#   --purge: SIGKILL all three at once (instant) and delete DIR's cluster data.
set -uo pipefail
DIR=${1:-${S3_SERVER_DIR:-/tmp/stowage-s3}}
MODE=${2:-}
[ -d "$DIR" ] || { echo "[stop-rgw] nothing under $DIR" >&2; exit 0; }

stop_one() { # stop_one NAME SIGNAL
  local f=$DIR/run/$1.pid pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    echo "[stop-rgw] stopping $1 (pid $pid, SIG$2)" >&2
    kill -s "$2" "$pid" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null; fi
  fi
  rm -f "$f"
}

if [ "$MODE" = --purge ]; then
  for d in rgw osd mon; do stop_one "$d" KILL; done
  rm -rf "$DIR/mon" "$DIR/osd" "$DIR/osd-block" "$DIR/run" "$DIR/log" \
    "$DIR/ceph.conf" "$DIR/monmap" "$DIR/keyring" "$DIR/s3.env"
  rmdir "$DIR" 2>/dev/null || true
else
  for d in rgw osd mon; do stop_one "$d" TERM; done
fi
exit 0
