#!/usr/bin/env bash
# Fresh machine → SocialHub on http://localhost:3000 (SQLite in data/ unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh
export SOCIALHUB_PORT="${SOCIALHUB_PORT:-3000}"

ensure_venv requirements.txt
ensure_bun

step "Applying database migrations"
.venv/bin/python -m services.db

step "Starting SocialHub on http://localhost:${SOCIALHUB_PORT} (production build; first build takes a minute or two)"
exec .venv/bin/reflex run --env prod --frontend-port "$SOCIALHUB_PORT" --backend-port "$SOCIALHUB_PORT" --loglevel warning
