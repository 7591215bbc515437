#!/usr/bin/env bash
# Install what start.sh needs from Debian 12 (Redis 7.0), if missing. Needs root;
# without root it only says what is missing (the Redis tests then skip outside CI,
# and fail in CI).
#   REDIS_BIN  the server binary (default /usr/bin/redis-server)
set -euo pipefail
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
need=()
[ -x "$REDIS_BIN" ] || need+=("$REDIS_BIN")
for b in redis-cli flock; do
  command -v "$b" >/dev/null || need+=("$b")
done
[ ${#need[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[redis-server] missing ${need[*]} and not root: cannot install the Redis test server" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "[redis-server] installing Redis (missing: ${need[*]})" >&2
# Where services may start, the package also starts its own daemon on 6379; start.sh
# never uses it (its instance has a port and folder of its own).
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends --no-upgrade redis-server redis-tools util-linux >/dev/null
echo "[redis-server] installed: $("$REDIS_BIN" --version)" >&2
