#!/usr/bin/env bash
# Install tmux from Debian, if missing: the CLI's terminal test runs `stowage` in a
# tmux pane and reads the rendered screen. Needs root; without root it only says so
# (the terminal test then skips outside CI, and fails in CI).
set -euo pipefail
source "$(dirname "$0")/../debian-install.sh"
need=()
command -v tmux >/dev/null || need+=(tmux)
install_needed terminal tmux
apt_install tmux
