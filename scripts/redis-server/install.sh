#!/usr/bin/env bash
# Install what start.sh needs from Debian 12 (Redis 7.0), if missing. Needs root;
# without root it only says what is missing (the Redis tests then skip outside CI,
# and fail in CI).
#   REDIS_BIN  the server binary (default /usr/bin/redis-server)
set -euo pipefail
source "$(dirname "$0")/../debian-install.sh"
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
need=()
[ -x "$REDIS_BIN" ] || need+=("$REDIS_BIN")
for b in redis-cli flock; do
  command -v "$b" >/dev/null || need+=("$b")
done
install_needed redis-server "Redis"
# Where services may start, the package also starts its own daemon on 6379; start.sh
# never uses it (its instance has a port and folder of its own).
apt_install redis-server redis-tools util-linux
echo "[redis-server] installed: $("$REDIS_BIN" --version)" >&2
