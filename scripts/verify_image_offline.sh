#!/usr/bin/env bash
# Check, without a Docker daemon, that the image starts in seconds with the network off.
#
# 1. Lays out the image's /app like the Dockerfile does: `COPY . .` (minus .dockerignore) into a
#    scratch directory, then the Dockerfile's build step `scripts/image_build.sh` with its ENV
#    (fresh .venv from PyPI, bun from npm, production frontend bundle) — network needed here only.
# 2. Runs the image's CMD (./run.sh) with the network OFF: in a new network namespace with only
#    loopback (`unshare -n`, needs root), else with every registry/proxy pointed at a dead port.
# 3. Passes when /ping, the UI page and /health answer within START_TIMEOUT seconds and the log
#    shows that nothing was installed or built at start.
#
# Usage: scripts/verify_image_offline.sh [SCRATCH_DIR]     (keeps the scratch dir for reruns)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SCRATCH=${1:-$(mktemp -d /tmp/socialhub-image.XXXXXX)}
APP="$SCRATCH/app"
START_TIMEOUT=${START_TIMEOUT:-60}
# The image's ENV (Dockerfile) and a PATH without this machine's own tools (the image has none).
IMAGE_ENV=(
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  HOME="$SCRATCH/home"
  SOCIALHUB_DATA_DIR="$SCRATCH/data"
  SOCIALHUB_PORT=3000
  SOCIALHUB_FRONTEND_API_URL=http://localhost:3000
)
say() { printf '\n\033[1;34m[verify-image] %s\033[0m\n' "$*"; }

say "COPY . . into $APP (honouring .dockerignore)"
# A rerun keeps .venv and .tools from the last one, as Docker keeps the cached packages layer.
mkdir -p "$SCRATCH/keep" "$SCRATCH/home"
for kept in .venv .tools; do [ -d "$APP/$kept" ] && rm -rf "$SCRATCH/keep/$kept" && mv "$APP/$kept" "$SCRATCH/keep/"; done
rm -rf "$APP" && mkdir -p "$APP"
excludes=$(mktemp)
sed -e 's#^\*\*/##' -e '/^$/d' .dockerignore > "$excludes"
tar --exclude-from="$excludes" -cf - -C "$REPO" . | tar -xf - -C "$APP"
rm -f "$excludes"
for kept in .venv .tools; do [ -d "$SCRATCH/keep/$kept" ] && mv "$SCRATCH/keep/$kept" "$APP/"; done

say "RUN scripts/image_build.sh (build time: registries reachable)"
# This machine's download caches only save bandwidth (a Docker build would fetch the same files).
BUILD_CACHES=()
[ -d "${HOME:-/root}/.cache/pip" ] && BUILD_CACHES+=(PIP_CACHE_DIR="${HOME:-/root}/.cache/pip")
[ -d "${HOME:-/root}/.bun/install/cache" ] && BUILD_CACHES+=(BUN_INSTALL_CACHE_DIR="${HOME:-/root}/.bun/install/cache")
# A machine that reaches the registries through a TLS-inspecting proxy needs its CA bundle too.
for var in SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS PIP_CERT REQUESTS_CA_BUNDLE CURL_CA_BUNDLE \
           http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY; do
  [ -n "${!var:-}" ] && BUILD_CACHES+=("$var=${!var}")
done
build_started=$(date +%s)
(cd "$APP" && env -i "${IMAGE_ENV[@]}" "${BUILD_CACHES[@]}" bash scripts/image_build.sh)
say "image build took $(( $(date +%s) - build_started ))s"

start_log="$SCRATCH/start.log"
probe='
set -u
for i in $(seq 1 '"$START_TIMEOUT"'0); do
  if curl -fsS -o /dev/null http://127.0.0.1:3000/ping && curl -fsS http://127.0.0.1:3000/ | grep -q "<html" \
     && curl -fsS -o /dev/null http://127.0.0.1:3000/health; then
    echo "READY after $(( i / 10 )).$(( i % 10 ))s"; exit 0
  fi
  sleep 0.1
done
echo "NOT READY after '"$START_TIMEOUT"'s"; exit 1
'
start_and_probe='
cd "'"$APP"'"
setsid ./run.sh > "'"$start_log"'" 2>&1 &
pid=$!
bash -c "$PROBE"; rc=$?
kill -TERM -- -$pid 2>/dev/null; sleep 1; kill -KILL -- -$pid 2>/dev/null
exit $rc
'
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
  say "CMD ./run.sh in a network namespace with only loopback (unshare -n)"
  set +e
  unshare -n env -i "${IMAGE_ENV[@]}" PROBE="$probe" bash -c '
    ip link set lo up
    if curl -s --max-time 5 -o /dev/null https://registry.npmjs.org/ || curl -s --max-time 5 -o /dev/null https://pypi.org/simple/; then
      echo "network is still reachable inside the namespace" >&2; exit 3
    fi
    echo "network check: registries unreachable, as intended"
    '"$start_and_probe"
  rc=$?
  set -e
else
  say "CMD ./run.sh with every registry and proxy pointed at a dead port (not root: no unshare)"
  dead=http://127.0.0.1:9
  set +e
  env -i "${IMAGE_ENV[@]}" PROBE="$probe" NPM_CONFIG_REGISTRY=$dead PIP_INDEX_URL=$dead/simple \
    http_proxy=$dead https_proxy=$dead HTTP_PROXY=$dead HTTPS_PROXY=$dead ALL_PROXY=$dead no_proxy=127.0.0.1,localhost \
    bash -c "$start_and_probe"
  rc=$?
  set -e
fi

echo "--- start log ($start_log) ---"; cat "$start_log"
if [ $rc -ne 0 ]; then
  echo "FAIL: the image's start command did not come up offline" >&2; exit 1
fi
if grep -q "Building the web frontend\|Installing Python packages\|Installing bun" "$start_log"; then
  echo "FAIL: the start command installed or built something (must happen at image build time)" >&2; exit 1
fi
grep -q "Frontend is up to date" "$start_log" || { echo "FAIL: no 'Frontend is up to date' in the start log" >&2; exit 1; }
say "PASS: the image's start command serves the app with the network off; nothing built at start"
