#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite: unit + integration, then Playwright e2e.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh

ensure_venv requirements-dev.txt
ensure_bun
# A real AT Protocol network (PLC + PDS + AppView) for the Bluesky adapter tests.
ensure_npm_tools tests/realservers/atproto

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing Debian's chromium for the browser tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}; install Debian's 'chromium' or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi

# A real S3 server (Ceph's RADOS Gateway on a throwaway in-memory cluster) for the media storage tests.
if ! command -v radosgw >/dev/null 2>&1 || ! command -v ceph-mon >/dev/null 2>&1 || ! command -v ceph-osd >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing Debian's radosgw ceph-mon ceph-osd for the S3 media tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq radosgw ceph-mon ceph-osd >/dev/null
  else
    echo "Ceph (radosgw ceph-mon ceph-osd) not found; the S3 media tests will be skipped (install Debian's packages)" >&2
  fi
fi

export SOCIALHUB_SCHEDULER=off
step "Lint (ruff)"
.venv/bin/ruff check .
step "Layering (import-linter, contracts in .importlinter)"
.venv/bin/lint-imports --no-cache

# pytest-playwright keeps its own event loop, so browser tests run in their own pytest invocation.
step "Unit and integration tests"
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e --durations=15 -W ignore::pytest.PytestRemovedIn10Warning "$@"
first=$?
step "End-to-end browser tests (real app in production mode + Chromium)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/e2e -p no:asyncio --durations=10 -W ignore::pytest.PytestRemovedIn10Warning "$@"
second=$?
set -e
if [ $first -ne 0 ] || [ $second -ne 0 ]; then
  echo "test.sh: some tests failed (unit/integration exit $first, e2e exit $second)" >&2
  exit 1
fi
