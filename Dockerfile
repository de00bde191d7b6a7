# One image for every role: the app (frontend + backend on one port) by default, the background
# worker with SOCIALHUB_ROLE=worker (see docker-compose.yml). SQLite on the /data volume by
# default; DATABASE_URL=postgresql+psycopg://user:pass@host:5432/db for PostgreSQL.
# The frontend is built HERE, at image build time, so a container starts in seconds and needs no
# network access (scripts/verify_image_offline.sh checks that without Docker).
FROM python:3.11-slim-bookworm

# postgresql-client: pg_dump/pg_restore for `python -m services.admin backup|restore`
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm unzip curl postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
COPY scripts/env.sh scripts/env.sh
# Python packages and bun first (a cached layer while only the code changes).
RUN bash -c 'source scripts/env.sh && ensure_venv requirements.txt && ensure_bun'
COPY . .

# The bundle connects to the page's own host (Reflex rewrites "localhost" to it; https → wss on
# the default port), so one bundle serves any SOCIALHUB_BASE_URL without a rebuild at start.
ENV SOCIALHUB_DATA_DIR=/data \
    SOCIALHUB_PORT=3000 \
    SOCIALHUB_FRONTEND_API_URL=http://localhost:3000
RUN scripts/image_build.sh

VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://localhost:3000/health || exit 1
# umask 077: the database, secret key and media on the volume are private to the app's user
# (run.sh sets it too; repeated here so an overridden entrypoint keeps it).
CMD ["bash", "-c", "umask 077 && exec ./run.sh"]
