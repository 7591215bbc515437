#!/usr/bin/env bash
# Stop or start only the gateway (radosgw) of a cluster that start-rgw.sh started under
# DIR, leaving its mon and OSD running: an S3 outage and its end, for fault tests. Never
# use it on the shared test server (/tmp/stowage-s3): other tests run on it.
# Usage: gateway.sh stop|start DIR
#   stop   SIGKILL, as a crash (instant); by the PID in DIR/run/rgw.pid only
#   start  starts radosgw again and waits until it answers (~0.5 s)
set -euo pipefail
ACTION=${1:?stop or start}
DIR=${2:?the cluster folder}
CONF=$DIR/ceph.conf
PID_FILE=$DIR/run/rgw.pid
ENDPOINT=$(sed -n 's/^S3_ENDPOINT=//p' "$DIR/s3.env")
case $ACTION in
  stop)
    if [ -s "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      pid=$(cat "$PID_FILE")
      kill -9 "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
    rm -f "$PID_FILE" ;;
  start)
    radosgw -c "$CONF" -n client.rgw.s3 2>>"$DIR/log/bootstrap.log"
    for _ in $(seq 300); do
      curl -fs -o /dev/null "$ENDPOINT/" 2>/dev/null && exit 0
      sleep 0.1
    done
    echo "[gateway] radosgw under $DIR did not answer within 30 s" >&2
    exit 1 ;;
  *) echo "usage: gateway.sh stop|start DIR" >&2; exit 2 ;;
esac
