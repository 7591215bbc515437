#!/usr/bin/env bash
# Install what start-rgw.sh needs from Debian 12 (Ceph 16.2.15 "Pacific"), if
# missing: ~20 s, ~61 MB download. Needs root; without root it only says what is
# missing (the real-S3 tests then skip outside CI, and fail in CI).
set -euo pipefail
source "$(dirname "$0")/../debian-install.sh"
need=()
for b in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl flock; do
  command -v "$b" >/dev/null || need+=("$b")
done
install_needed s3-server "Ceph RADOS Gateway"
apt_install ceph-mon ceph-osd radosgw ceph-common curl util-linux
echo "[s3-server] installed: $(ceph --version)" >&2
