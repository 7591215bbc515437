#!/usr/bin/env bash
# Start a throwaway single-node Ceph cluster (1 mon, 1 OSD, no mgr) plus the
# RADOS Gateway (S3 API, beast frontend) on 127.0.0.1, entirely under DIR,
# without systemd. Idempotent: if the gateway under DIR already answers, it
# just prints the endpoint and keys again.
#
# Usage: start-rgw.sh [DIR]            (default DIR: /tmp/s3-rgw)
# Stop:  stop.sh [DIR] [--purge]
# Env:
#   S3_PORT        RGW HTTP port on 127.0.0.1            (default 7480)
#   MON_PORT       ceph-mon msgr2 port on 127.0.0.1      (default 13300)
#   S3_ACCESS_KEY  access key of the S3 user             (default s3testaccesskey)
#   S3_SECRET_KEY  secret key of the S3 user             (default s3testsecretkey0123456789)
#   S3_REGION      region clients sign with (default us-east-1). The SDK sends
#                  a LocationConstraint on CreateBucket for any other region;
#                  RGW only accepts its zonegroup's api_name there, so this
#                  script sets api_name = S3_REGION.
#   OBJECTSTORE    bluestore (default: sparse file DIR/osd-block, ~5 s cold start,
#                  ~0.4 GiB RSS under load) | memstore (all data in RAM, ~1.7 s
#                  cold start, RSS grows with stored data until RGW's GC runs)
#   STORE_GIB      capacity of the OSD in GiB (default 32; the file is sparse, so
#                  only what tests and benchmarks store uses disk)
#   START_TIMEOUT  seconds to wait for each daemon       (default 60)
# Needs (Debian 12, Ceph 16.2.15 "Pacific"; install-rgw.sh does it, ~20 s):
#   apt-get update && apt-get install -y --no-install-recommends --no-upgrade \
#     ceph-mon ceph-osd radosgw ceph-common curl
# Prints KEY=VALUE lines (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION,
# S3_KMS_KEY_ID, CEPH_CONF, ...) on stdout and into DIR/s3.env; progress goes
# to stderr. Everything listens on 127.0.0.1 only. Logs: DIR/log.
set -euo pipefail

DIR=${1:-/tmp/stowage-s3}
S3_PORT=${S3_PORT:-7480}
MON_PORT=${MON_PORT:-13300}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-s3testaccesskey}
S3_SECRET_KEY=${S3_SECRET_KEY:-s3testsecretkey0123456789}
S3_REGION=${S3_REGION:-us-east-1}
OBJECTSTORE=${OBJECTSTORE:-bluestore}
STORE_GIB=${STORE_GIB:-32}
START_TIMEOUT=${START_TIMEOUT:-60}
RGW_NAME=client.rgw.s3
S3_USER=s3test
# Fixed 256-bit keys (base64) for RGW's 'testing' KMS backend (SSE-KMS).
# Test-only: they are public, never use this for real data.
KMS_KEY_1=24CS5gRz1E+t8N+jacTEpgNdRgVcna09qwLvPuJWehk=
KMS_KEY_2=Oc0QUJXMs8ftVpyds9AancDMB8FxQsuBHqaddYt2+1U=

log() { printf '[start-rgw %5.1fs] %s\n' "$(awk -v s="$START_NS" -v n="$(date +%s%N)" 'BEGIN{print (n-s)/1e9}')" "$*" >&2; }
START_NS=$(date +%s%N)
STARTED=0
die() {
  log "ERROR: $*"; [ -d "${DIR:-}/log" ] && log "logs: $DIR/log"
  if [ "$STARTED" = 1 ]; then "$(dirname "$0")/stop.sh" "$DIR" >&2 || true; fi
  exit 1
}

case $OBJECTSTORE in bluestore|memstore) ;; *) die "OBJECTSTORE must be bluestore or memstore" ;; esac
for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl; do
  command -v "$bin" >/dev/null || die "missing $bin (apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl)"
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
CONF=$DIR/ceph.conf
export CEPH_CONF=$CONF
ENDPOINT=http://127.0.0.1:$S3_PORT

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

print_info() {
  tee "$DIR/s3.env" <<EOF
S3_ENDPOINT=$ENDPOINT
S3_ACCESS_KEY=$S3_ACCESS_KEY
S3_SECRET_KEY=$S3_SECRET_KEY
S3_REGION=$S3_REGION
S3_FORCE_PATH_STYLE=true
S3_KMS_KEY_ID=testkey-1
CEPH_CONF=$CONF
S3_DIR=$DIR
EOF
}

wait_until() { # wait_until SECONDS DESCRIPTION COMMAND... (COMMAND must be quiet)
  local t=$1 what=$2; shift 2
  local end=$((SECONDS + t))
  until "$@"; do
    [ $SECONDS -lt $end ] || die "timed out after ${t}s waiting for $what"
    sleep 0.2
  done
}

# --- already running? -------------------------------------------------------
if pid_alive "$DIR/run/rgw.pid" && pid_alive "$DIR/run/osd.pid" && pid_alive "$DIR/run/mon.pid" \
   && curl -fsS -o /dev/null "$ENDPOINT/" 2>/dev/null; then
  log "already running under $DIR"
  print_info
  exit 0
fi

# Anything half-running from an earlier start under DIR: stop it (by its PID
# files), then start afresh. Data of an earlier cluster is never reused.
if pid_alive "$DIR/run/rgw.pid" || pid_alive "$DIR/run/osd.pid" || pid_alive "$DIR/run/mon.pid"; then
  log "stopping a partly running cluster under $DIR"
  "$(dirname "$0")/stop.sh" "$DIR"
fi
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$S3_PORT" && die "127.0.0.1:$S3_PORT is already in use (another gateway? set S3_PORT)"
port_busy "$MON_PORT" && die "127.0.0.1:$MON_PORT is already in use (another cluster? set MON_PORT)"

rm -rf "$DIR/mon" "$DIR/osd" "$DIR/osd-block" "$DIR/run" "$DIR/log" "$DIR/ceph.conf" "$DIR/monmap" "$DIR/s3.env"
mkdir -p "$DIR/mon" "$DIR/osd" "$DIR/run" "$DIR/log"
FSID=$(cat /proc/sys/kernel/random/uuid)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
STORE_BYTES=$((STORE_GIB * 1024 * 1024 * 1024))

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
# with auth none, msgr2 'secure' mode has no session key: RGW fails with
# "get_initial_auth_request returned -13" unless every mode is crc
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
client mount timeout = 30
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
log to stderr = false
err to stderr = true
mon cluster log file = $DIR/log/cluster.log
# single OSD: one replica, no host-level failure domain, few PGs
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
mon allow pool delete = true
# every mon update (pool create, osd boot, ...) waits paxos propose interval
# (default 1 s); RGW's first start does ~10 of them
paxos propose interval = 0.05
paxos min wait = 0.01
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 1
mon data avail crit = 0
mon osd full ratio = 0.97
mon osd backfillfull ratio = 0.96
mon osd nearfull ratio = 0.95

[mon.a]
mon data = $DIR/mon
pid file = $DIR/run/mon.pid

[osd.0]
osd data = $DIR/osd
pid file = $DIR/run/osd.pid
osd objectstore = $OBJECTSTORE
memstore device bytes = $STORE_BYTES
bluestore block path = $DIR/osd-block
bluestore block create = true
bluestore block size = $STORE_BYTES
bluestore fsck on mount = false
bluestore fsck on mkfs = false
osd memory target = 1073741824
osd class load list = *
osd class default list = *

[$RGW_NAME]
pid file = $DIR/run/rgw.pid
# tcp_nodelay=1: without it small GETs/lists take ~40 ms each (Nagle + delayed ACK)
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT tcp_nodelay=1
rgw thread pool size = 128
rgw enable usage log = false
# SSE without TLS (loopback tests only)
rgw crypt require ssl = false
# SSE-KMS with fixed test keys: SSEKMSKeyId must be testkey-1 or testkey-2
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=$KMS_KEY_1 testkey-2=$KMS_KEY_2
# NOT set: rgw crypt default encryption key. It encrypts every object, and
# Pacific then answers CopyObject of any object with 501 NotImplemented.
# garbage collection of deleted objects/aborted uploads sooner than the 2h default
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF

# --- mon --------------------------------------------------------------------
T0=$SECONDS
STARTED=1
trap 'die "command failed at line $LINENO"' ERR
log "bootstrapping mon (fsid $FSID, 127.0.0.1:$MON_PORT)"
: >"$DIR/keyring"
monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" --keyring "$DIR/keyring" 2>>"$DIR/log/bootstrap.log"
ceph-mon -c "$CONF" -i a 2>>"$DIR/log/bootstrap.log"
mon_up() { timeout 10 ceph -c "$CONF" mon stat >/dev/null 2>&1; }
wait_until "$START_TIMEOUT" "mon" mon_up
log "mon up"

# --- osd --------------------------------------------------------------------
log "bootstrapping osd.0 ($OBJECTSTORE, ${STORE_GIB} GiB)"
OSD_ID=$(ceph -c "$CONF" osd new "$OSD_UUID")
[ "$OSD_ID" = 0 ] || die "unexpected osd id $OSD_ID"
ceph -c "$CONF" osd crush add osd.0 1 root=default >/dev/null 2>&1
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$DIR/log/bootstrap.log" 2>&1 \
  || die "ceph-osd --mkfs failed (see $DIR/log/bootstrap.log)"
ceph-osd -c "$CONF" -i 0 2>>"$DIR/log/bootstrap.log"
osd_up() { ceph -c "$CONF" osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
wait_until "$START_TIMEOUT" "osd.0 up" osd_up
log "osd.0 up"

# --- rgw --------------------------------------------------------------------
# The user is created before radosgw starts (this also creates the default
# zone/zonegroup and RGW's pools), so the endpoint never answers without it.
radosgw-admin -c "$CONF" user create --uid "$S3_USER" --display-name "S3 test user" \
  --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" >"$DIR/log/user.json" 2>>"$DIR/log/bootstrap.log" \
  || die "radosgw-admin user create failed"
log "user $S3_USER created"
if [ "$S3_REGION" != us-east-1 ]; then
  radosgw-admin -c "$CONF" zonegroup modify --rgw-zonegroup default --api-name "$S3_REGION" \
    >/dev/null 2>>"$DIR/log/bootstrap.log" || die "could not set zonegroup api_name"
  log "zonegroup api_name = $S3_REGION"
fi
log "starting radosgw on $ENDPOINT"
radosgw -c "$CONF" -n "$RGW_NAME" 2>>"$DIR/log/bootstrap.log"
rgw_up() {
  if [ -s "$DIR/run/rgw.pid" ] && ! pid_alive "$DIR/run/rgw.pid"; then
    die "radosgw exited (see $DIR/log/client.rgw.s3.log)"
  fi
  curl -fs -o /dev/null "$ENDPOINT/" 2>/dev/null
}
wait_until "$START_TIMEOUT" "radosgw on $ENDPOINT" rgw_up
log "radosgw answers"
log "ready in $((SECONDS - T0))s"
print_info
