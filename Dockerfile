# syntax=docker/dockerfile:1
#
# One image for every service of the stack. The container command picks the service and
# gives it the node flags tools/stack/stack.ts has for it, for example
#   node --no-wasm-dynamic-tiering --no-wasm-tier-up --max-semi-space-size=4 --require tsx/cjs subgraphs/catalog/src/index.ts
#   node --max-semi-space-size=64 --import tsx bffs/web/src/index.ts
# deploy/k8s has the command of each service (a test keeps them in step with stack.ts).
#
#   docker build -t graphql-federation:1.0.0 .

ARG NODE_IMAGE=node:20-bookworm-slim

# The package manifests alone: the dependency layer below is rebuilt only when one of them
# changes, not on every source change, and a new workspace needs no edit here.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /out/ \; \
 && cp package-lock.json /out/

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
# `npm install`, not `npm ci`: the lockfile lacks other platforms' optional binaries.
# Production dependencies only, plus tsx, which runs the TypeScript entry points but is a
# devDependency of the repository: installed on its own at the lockfile's version and
# copied in without replacing anything the services depend on.
RUN npm install --omit=dev --no-audit --no-fund \
 && tsx_version="$(node -p "require('./package-lock.json').packages['node_modules/tsx'].version")" \
 && npm install --prefix /tmp/tsx --no-save --no-package-lock --no-audit --no-fund "tsx@${tsx_version}" \
 && cp -rn /tmp/tsx/node_modules/* node_modules/ \
 && rm -rf /tmp/tsx /root/.npm

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Everything stays owned by root and read-only to the service's user; Kubernetes also
# mounts the root filesystem read-only and gives /tmp (tsx's cache) as an emptyDir.
COPY --from=deps /app ./
COPY . .
# Only for `docker run` without DATABASE_URL: the embedded PGlite databases go to .data/.
RUN mkdir .data && chown 1000:1000 .data
# Numeric, so Kubernetes' runAsNonRoot can verify it (the image's `node` user is uid 1000).
USER 1000:1000
EXPOSE 4000 4001 4101 4102 4103 4104 4105 4110
CMD ["node", "-e", "console.error('Choose a service with the container command; see deploy/README.md.'); process.exit(64)"]
