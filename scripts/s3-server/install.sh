#!/usr/bin/env bash
# Install what start-rgw.sh needs from Debian 12 (Ceph 16.2.15 "Pacific"), if
# missing: ~20 s, ~61 MB download. Needs root; without root it only says what is
# missing (the real-S3 tests then skip outside CI, and fail in CI).
set -euo pipefail
need=()
for b in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl flock; do
  command -v "$b" >/dev/null || need+=("$b")
done
[ ${#need[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[s3-server] missing ${need[*]} and not root: cannot install the S3 test server" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "[s3-server] installing Ceph RADOS Gateway (missing: ${need[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends --no-upgrade \
  ceph-mon ceph-osd radosgw ceph-common curl util-linux >/dev/null
echo "[s3-server] installed: $(ceph --version)" >&2
