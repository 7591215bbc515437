#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (driven by playwright-core with
# executablePath: Playwright's own browser download is not used), if missing.
# Needs root; without root it only says what is missing (the browser tests then
# skip outside CI, and fail in CI).
set -euo pipefail
source "$(dirname "$0")/../debian-install.sh"
need=()
command -v chromium >/dev/null || need+=(chromium)
install_needed browser "Debian's chromium"
apt_install chromium fonts-dejavu-core
echo "[browser] installed: $(chromium --version)" >&2
