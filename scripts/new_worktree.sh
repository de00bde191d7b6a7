#!/usr/bin/env bash
# Dev helper: a parallel checkout sharing this .venv/.tools (its own .web build dir).
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
git worktree add -q "/work/wt-$name" -b "$name"
ln -s "$PWD/.venv" "/work/wt-$name/.venv"
ln -s "$PWD/.tools" "/work/wt-$name/.tools"
echo "/work/wt-$name"
