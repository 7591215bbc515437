#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (driven by playwright-core with
# executablePath: Playwright's own browser download is not used), if missing.
# Needs root; without root it only says what is missing (the browser tests then
# skip outside CI, and fail in CI).
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[browser] chromium is missing and not root: cannot install it" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "[browser] installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends --no-upgrade chromium fonts-dejavu-core >/dev/null
echo "[browser] installed: $(chromium --version)" >&2
