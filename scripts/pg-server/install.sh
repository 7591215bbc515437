#!/usr/bin/env bash
# Install what start.sh needs from Debian 12 (PostgreSQL 15), if missing. Needs
# root; without root it only says what is missing (the PostgreSQL tests then
# skip outside CI, and fail in CI).
#   PG_BIN  where initdb, pg_ctl and postgres are (default /usr/lib/postgresql/15/bin)
set -euo pipefail
source "$(dirname "$0")/../debian-install.sh"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
need=()
for b in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/postgres" "$PG_BIN/pg_isready"; do
  [ -x "$b" ] || need+=("$b")
done
for b in runuser flock; do
  command -v "$b" >/dev/null || need+=("$b")
done
install_needed pg-server "PostgreSQL 15"
# start.sh makes its own cluster: the package's default one (an initdb, and a
# daemon on port 5432 where services may start) would only cost time and memory.
# A drop-in, because createcluster.conf itself is managed by the package (ucf).
mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/stowage-no-main-cluster.conf
apt_install postgresql-15 util-linux
echo "[pg-server] installed: $("$PG_BIN/postgres" --version)" >&2
