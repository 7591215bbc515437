# Sourced by ./run: puts Node >= 22.12 (Node 24 LTS when the system's is older)
# and pnpm on PATH, installing both from the npm registry into .tools/ if needed.
# Needs only a system Node with npm (any version that runs npm).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools
PNPM_VERSION=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")

node_is_recent() { # Node >= 22.12
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if [ -x "$TOOLS/node/node_modules/.bin/node" ]; then
  export PATH="$TOOLS/node/node_modules/.bin:$PATH"
elif ! node_is_recent; then
  command -v npm >/dev/null 2>&1 || { echo "[toolchain] npm is needed to install Node 24" >&2; exit 1; }
  echo "[toolchain] system Node $(node -v 2>/dev/null || echo none) is older than 22.12: installing Node 24 into .tools/node" >&2
  npm install --prefix "$TOOLS/node" --no-save --no-package-lock --loglevel=error node@24 >&2
  export PATH="$TOOLS/node/node_modules/.bin:$PATH"
fi
node_is_recent || { echo "[toolchain] Node $(node -v) is still older than 22.12" >&2; exit 1; }

if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ]; then
  echo "[toolchain] installing pnpm@$PNPM_VERSION into .tools/pnpm" >&2
  npm install --prefix "$TOOLS/pnpm" --no-save --no-package-lock --loglevel=error "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"
