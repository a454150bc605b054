# One image for the API and the workers (compiled JavaScript, production dependencies only,
# run as the unprivileged `node` user), and one for migrations. Stages:
#   build    – every dependency, Prisma client generated, TypeScript compiled with tsc -b, prompt files copied to dist/
#   migrate  – the build stage as a one-shot: create the database if missing, apply migrations
#   runtime  – what the API and the workers run: dist/ (the worker's prompt files included) and production node_modules
ARG NODE_IMAGE=node:20.20-bookworm-slim
ARG PNPM_VERSION=12.4.2

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION
ENV CI=true
# corepack's signature check fails on some networks; npm installs the pinned pnpm instead.
RUN npm install --global "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /app

# Every package the lockfile names, downloaded once into pnpm's store: the two installs below
# (all dependencies, production ones) then take them from there instead of the network.
FROM base AS store
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

FROM store AS manifests
COPY package.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/shared/package.json packages/shared/
COPY packages/testing/package.json packages/testing/

FROM manifests AS build
RUN pnpm install --frozen-lockfile --offline
COPY . .
RUN pnpm exec prisma generate && pnpm run build

FROM build AS migrate
# Runs node_modules/.bin directly: `pnpm exec` first checks that the install is current, and as
# `node` it cannot read the state root's install left, so it tries to reinstall and fails
# (ERR_PNPM_PACKAGE_MANAGER_REMOVE_MODULES_DIR). The variable keeps that check off for anyone
# who runs pnpm in this stage anyway.
ENV pnpm_config_verify_deps_before_run=false
USER node
CMD ["sh", "-c", "node --conditions=source --import tsx scripts/prepare-db.ts && exec node_modules/.bin/prisma migrate deploy"]

FROM manifests AS prod-deps
# `pnpm fetch` left every package of the lockfile in node_modules/.pnpm, dev and test ones
# included; the production install starts from an empty node_modules and takes from the store.
RUN rm -rf node_modules && pnpm install --frozen-lockfile --offline --prod
# Trims 239 MB to 78 MB: source maps, Prisma runtimes for other databases, and the peers pnpm
# adds for @prisma/client (its CLI, engines, TypeScript) that only generate and migrate use.
RUN find node_modules/.pnpm -name '*.map' -delete \
 && find node_modules/.pnpm/@prisma+client@*/node_modules/@prisma/client/runtime \
      \( -name '*mysql*' -o -name '*sqlite*' -o -name '*sqlserver*' -o -name '*cockroachdb*' \) -delete \
 && rm -rf node_modules/.pnpm/prisma@* node_modules/.pnpm/typescript@* node_modules/.pnpm/effect@* \
      node_modules/.pnpm/@prisma+engines@* node_modules/.pnpm/@prisma+fetch-engine@*

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=prod-deps /app/packages/shared/node_modules packages/shared/node_modules
COPY --from=prod-deps /app/apps/api/node_modules apps/api/node_modules
COPY --from=prod-deps /app/apps/worker/node_modules apps/worker/node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/api/public apps/api/public
COPY --from=build /app/apps/worker/package.json apps/worker/
COPY --from=build /app/apps/worker/dist apps/worker/dist
# The Compose `setup` one-shot: writes a .env with fresh secrets (plain Node.js, no packages).
COPY --from=build /app/scripts/setup.mjs /app/scripts/env-file.mjs scripts/
USER node
EXPOSE 3000
# The API by default; the worker service runs apps/worker/dist/main.js from the same image.
CMD ["node", "--max-semi-space-size=64", "apps/api/dist/main.js"]
