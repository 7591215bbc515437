#!/usr/bin/env bash
# Start (or reuse) the project's S3 test server: Ceph RADOS Gateway on 127.0.0.1.
# Safe to call from several test processes at once: one starts it, the others wait
# for it and reuse it. Prints KEY=VALUE lines (S3_ENDPOINT, S3_ACCESS_KEY, ...) and
# writes them to $S3_SERVER_DIR/s3.env.
#   S3_SERVER_DIR  where the cluster lives (default /tmp/stowage-s3)
# Other knobs (S3_PORT, OBJECTSTORE, ...): see start-rgw.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${S3_SERVER_DIR:-/tmp/stowage-s3}
mkdir -p "$DIR"
exec 9>"$DIR.lock"
flock 9
# The daemons must not inherit the lock: fd 9 is closed for them.
"$HERE/start-rgw.sh" "$DIR" 9>&-
