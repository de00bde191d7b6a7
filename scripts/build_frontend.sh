#!/usr/bin/env bash
# Build the production frontend bundle into .web/ unless the one already there matches the sources.
# Called by run.sh at start and by the Dockerfile at image build time (so a container starts without
# building anything and without network access).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# What rxconfig.py bakes into the bundle: the URL the browser's websocket connects to.
baked_api_url="${SOCIALHUB_FRONTEND_API_URL:-${SOCIALHUB_API_URL:-${SOCIALHUB_BASE_URL:-http://localhost:${SOCIALHUB_PORT:-3000}}}}"
build_hash=$(
  { find socialhub_app components state services assets -type f \( -name '*.py' -o -path 'assets/*' \) -print0 \
      | sort -z | xargs -0 sha256sum
    sha256sum rxconfig.py requirements.txt
    echo "${SOCIALHUB_PORT:-3000} ${baked_api_url}"
  } | sha256sum | cut -d' ' -f1
)
stamp=.web/.socialhub-build-hash
if [ ! -d .web/build/client ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$build_hash" ]; then
  step "Building the web frontend (production bundle; takes a minute the first time)"
  rm -f "$stamp"
  .venv/bin/reflex export --frontend-only --no-zip --env prod --loglevel warning
  rm -rf uploaded_files
  echo "$build_hash" > "$stamp"
else
  step "Frontend is up to date"
fi
