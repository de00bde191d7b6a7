#!/usr/bin/env bash
# Fresh machine → SocialHub on http://localhost:3000 (SQLite in data/ unless DATABASE_URL is set).
# SOCIALHUB_ROLE=worker starts the background worker (publishing, metrics, recurrence) instead of
# the web server; web and all (default) serve the app (see README "Running several processes").
set -euo pipefail
# Everything this process creates (data/, database, secret key, media) is readable by its user only.
umask 077
cd "$(dirname "$0")"
source scripts/env.sh
export SOCIALHUB_PORT="${SOCIALHUB_PORT:-3000}"
role="${SOCIALHUB_ROLE:-all}"
case "$role" in
  web|worker|all) ;;
  *) echo "SOCIALHUB_ROLE must be web, worker or all (got '$role')" >&2; exit 2 ;;
esac

ensure_venv requirements.txt

step "Applying database migrations"
.venv/bin/python -m services.db

if [ "$role" = "worker" ]; then
  step "Starting the SocialHub worker (publishing, metrics collection, recurring posts)"
  exec .venv/bin/python -m services.publishing.worker --log-level "${SOCIALHUB_LOG_LEVEL:-INFO}"
fi

ensure_bun
# The frontend bundle depends on the UI code and on the public URL baked into it: rebuild only
# when one of them changed, so a second start takes seconds instead of a full bundle build.
scripts/build_frontend.sh

step "Starting SocialHub on http://localhost:${SOCIALHUB_PORT}"
exec .venv/bin/python scripts/serve_prebuilt.py
