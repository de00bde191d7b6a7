#!/usr/bin/env bash
# Fresh machine → SocialHub on http://localhost:3000 (SQLite in data/ unless DATABASE_URL is set).
set -euo pipefail
# Everything this process creates (data/, database, secret key, media) is readable by its user only.
umask 077
cd "$(dirname "$0")"
source scripts/env.sh
export SOCIALHUB_PORT="${SOCIALHUB_PORT:-3000}"

ensure_venv requirements.txt
ensure_bun

step "Applying database migrations"
.venv/bin/python -m services.db

# The frontend bundle depends on the UI code and on the public URL baked into it: rebuild only
# when one of them changed, so a second start takes seconds instead of a full bundle build.
build_hash=$(
  { find socialhub_app components state services assets -type f \( -name '*.py' -o -path 'assets/*' \) -print0 \
      | sort -z | xargs -0 sha256sum
    sha256sum rxconfig.py requirements.txt
    echo "${SOCIALHUB_PORT} ${SOCIALHUB_API_URL:-} ${SOCIALHUB_BASE_URL:-}"
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

step "Starting SocialHub on http://localhost:${SOCIALHUB_PORT}"
exec .venv/bin/python scripts/serve_prebuilt.py
