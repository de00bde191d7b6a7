# One image: the app (frontend + backend on one port) with SQLite on a volume by default.
# Set DATABASE_URL=postgresql+psycopg://user:pass@host:5432/db to use PostgreSQL instead.
# It runs the same ./run.sh as a developer machine, so the script's tests cover these steps.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm unzip curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
COPY scripts/env.sh scripts/env.sh
# Install Python packages and bun at build time (cached layer); run.sh skips them at start.
RUN bash -c 'source scripts/env.sh && ensure_venv requirements.txt && ensure_bun'
COPY . .

ENV SOCIALHUB_DATA_DIR=/data \
    SOCIALHUB_PORT=3000 \
    SOCIALHUB_BASE_URL=http://localhost:3000
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://localhost:3000/health || exit 1
# umask 077: the database, secret key and media on the volume are private to the app's user
# (run.sh sets it too; repeated here so an overridden entrypoint keeps it).
CMD ["bash", "-c", "umask 077 && exec ./run.sh"]
