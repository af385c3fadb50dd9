# The image for web, worker and beat (see docker-compose.yml).

# Front-end assets (Leaflet, world borders) come from npm and are served by the site.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal-dev libgeos-c1v5 libproj25 postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY conflictkb conflictkb
COPY events events
COPY ingest ingest
RUN pip install .
COPY . .
COPY --from=assets /assets/node_modules node_modules
RUN SECRET_KEY=build-only DATABASE_URL=postgis://x:x@localhost/x CACHE_URL=locmem \
    python manage.py collectstatic --no-input -v 0

RUN useradd --create-home --uid 1000 ckb && chown -R ckb /app
USER ckb
EXPOSE 8000
# Port 8000, a sync worker per core (WEB_CONCURRENCY to change): gunicorn.conf.py.
CMD ["gunicorn", "conflictkb.wsgi:application", "--config", "gunicorn.conf.py"]
