#!/usr/bin/env bash
# Install tmux from Debian, if missing: the CLI's terminal test runs `stowage` in a
# tmux pane and reads the rendered screen. Needs root; without root it only says so
# (the terminal test then skips outside CI, and fails in CI).
set -euo pipefail
command -v tmux >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[terminal] tmux is missing and not root: cannot install it" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "[terminal] installing tmux" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends --no-upgrade tmux >/dev/null
