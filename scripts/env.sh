# Shared environment for run.sh / test.sh: offline-safe Reflex settings and a local bun.
# shellcheck shell=bash
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
export REFLEX_HTTP_CLIENT_BIND_ADDRESS=0.0.0.0
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
export PYTHONUNBUFFERED=1

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

pick_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11+ is required" >&2; return 1
}

# Install a requirements file into .venv only when it changed since the last install.
ensure_venv() {
  local req="$1"
  if [ ! -x .venv/bin/python ]; then
    step "Creating Python virtual environment (.venv)"
    "$(pick_python)" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$req")"
  local want
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    step "Installing Python packages from $req (first run takes about a minute)"
    .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install --disable-pip-version-check -q -r "$req"
    echo "$want" > "$stamp"
  fi
}

# Reflex 0.10 needs bun >= 1.4.4; its own installer downloads from the web, so take bun from npm.
ensure_bun() {
  if command -v bun >/dev/null 2>&1 && [ "$(printf '%s\n1.4.4\n' "$(bun --version)" | sort -V | head -1)" = "1.4.4" ]; then
    return 0
  fi
  step "Installing bun 1.4.4 from the npm registry into .tools/"
  command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20+) is required" >&2; exit 1; }
  npm install --silent --no-fund --no-audit --prefix .tools bun@1.4.4 >/dev/null 2>&1
  bun --version >/dev/null
}

# Install a folder's npm packages (tests' real servers) only when its package-lock.json changed.
# The stamp lives inside node_modules, so a removed or half-installed folder is installed again.
# Install scripts must run: better-sqlite3 (the PDS's account stores) has no prebuilt binary
# reachable offline, so node-gyp compiles it against the system Node headers (a few minutes).
ensure_npm_tools() {
  local dir="$1"
  local stamp="$dir/node_modules/.installed-lock"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    step "Installing $dir from the npm registry (pinned by package-lock.json; first run takes a few minutes)"
    command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20+) is required" >&2; exit 1; }
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
}
