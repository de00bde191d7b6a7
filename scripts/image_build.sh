#!/usr/bin/env bash
# Everything the image needs before it can start offline: Python packages, bun and the production
# frontend bundle. The Dockerfile runs this at build time (network to PyPI/npm is available then);
# scripts/verify_image_offline.sh runs it in a scratch copy the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_venv requirements.txt
ensure_bun
# The build imports the app; give it a throwaway data dir and key so no secret ends up in the image.
scratch=$(mktemp -d)
SOCIALHUB_DATA_DIR="$scratch" SOCIALHUB_SECRET_KEY=image-build-only DATABASE_URL="sqlite:///$scratch/build.db" \
  scripts/build_frontend.sh
rm -rf "$scratch"
