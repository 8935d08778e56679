# syntax=docker/dockerfile:1
#
# One image for every Junction app. Pick the app at run time:
#   docker build -t junction .
#   docker run --rm -e APP=erp-worker -e DATABASE_URL=… -e BUS=servicebus -e SERVICE_BUS_CONNECTION_STRING=… junction
#   docker run --rm junction node scripts/db.cjs migrate        # apply migrations (one-shot)
# APP is one of: webhook-ingress, erp-worker, linkedin-worker, reddit-analyzer, crm-worker, batch-scheduler,
# metrics-aggregator, mcp-gateway, standalone (the default: all apps in one process, memory bus).
#
# Production runs on Node 24 LTS (development machines run Node 20; package.json keeps engines >=20.19).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
# build: full install (dev dependencies included), Prisma client generation, SWC build, then prune to production.
# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Manifests first so the dependency layer is cached until they change. scripts/, prisma.config.ts and prisma/
# come along because the postinstall (scripts/db-generate.cjs → `prisma generate`) needs them; prisma.config.ts
# points PRISMA_SCHEMA_ENGINE_BINARY at an existing file so the CLI does not try to download its Rust engine.
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci

COPY . .
# Generate the Prisma client explicitly (idempotent if the postinstall already did): it is written to
# libs/persistence/src/generated (git-ignored, excluded by .dockerignore) and compiled into dist/ by the build.
RUN npx prisma generate \
 && npm run build \
 && test -f dist/apps/standalone/main.js

# Drop dev dependencies. The migration runner (scripts/db.cjs → dist/libs/persistence) and standalone need
# @prisma/schema-engine-wasm at run time: it belongs in `dependencies`; should a package.json list it as a
# devDependency, the guard puts that one package (no dependencies of its own) back after the prune.
RUN cp -a node_modules/@prisma/schema-engine-wasm /tmp/schema-engine-wasm \
 && npm prune --omit=dev \
 && { [ -d node_modules/@prisma/schema-engine-wasm ] || cp -a /tmp/schema-engine-wasm node_modules/@prisma/; } \
 && rm -rf /tmp/schema-engine-wasm

# ---------------------------------------------------------------------------------------------------------------
# runtime: compiled code, production node_modules, migrations. No compiler, no sources, no npm at run time.
# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# JUNCTION_DATA_DIR: where standalone keeps its embedded Postgres (a writable home for the unprivileged user).
ENV NODE_ENV=production \
    APP=standalone \
    HOST=0.0.0.0 \
    JUNCTION_DATA_DIR=/home/node/.junction
WORKDIR /app

# Owned by root and read-only to the app user: the process cannot modify its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# findPrismaPaths() walks up from dist/libs/persistence/… and finds /app/prisma/migrations.
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/scripts/db.cjs /app/scripts/load-persistence.cjs ./scripts/

# 1000:1000 is the `node` user of the official image. Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

# Default ports of the apps (each app listens on PORT, or its default).
EXPOSE 3000 3001 3002 3003 3004 3005 3006

# `exec` replaces the shell, so node is the process that receives SIGTERM and shuts down gracefully
# (SHUTDOWN_TIMEOUT_MS). With `docker run`, add --init for zombie reaping; compose sets `init: true`.
CMD ["sh", "-c", "exec node \"dist/apps/${APP}/main.js\""]
