#!/usr/bin/env bash
# Regenerates alembic/versions/0001_initial.py from the models. Only valid until the first
# release: after that, add new revisions with `alembic revision --autogenerate -m ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f alembic/versions/0001_initial.py
DATABASE_URL="sqlite:///$tmp/empty.db" SOCIALHUB_DATA_DIR="$tmp" .venv/bin/alembic revision --autogenerate --rev-id 0001 -m initial >/dev/null
.venv/bin/ruff format -q alembic/versions/0001_initial.py || true
rm -rf "$tmp"
echo "regenerated alembic/versions/0001_initial.py"
