# syntax=docker/dockerfile:1
# The cadenza image: one image for every process kind (dev, coordinator, worker, server and
# the admin verbs), `cadenza` as its entrypoint. How to build and run it, and what each
# process needs: deploy/container/README.md.
#
#   podman build -t cadenza .        (or docker build -t cadenza .)
#   podman run --rm cadenza dev --help

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install the workspace, compile it, and install the CLI for production ----
FROM ${NODE_IMAGE} AS build
# better-sqlite3 is a native addon: when its prebuilt binary cannot be downloaded it is
# compiled, which needs python3, make and a C++ compiler (and Node's headers, which the
# node image ships under /usr/local/include/node: nodedir points node-gyp at them so that
# it does not download them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local \
    TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1
WORKDIR /src
COPY . .
RUN npx -y pnpm@12.4.2 install --frozen-lockfile \
 && npx -y pnpm@12.4.2 build

# The production install. Why packing rather than `pnpm deploy --prod`: deploy keeps the
# workspace lockfile's resolution of @cadenza/core's optional peer `vitest`, so its folder
# carries vitest, vite, esbuild and rolldown (about 60 MB of test tooling). Packed
# tarballs (pnpm turns `workspace:*` into real versions, as when publishing) installed with
# npm give exactly what `npm install @cadenza/cli` gives a user (the README's install path,
# which test/install/pack-install.test.ts checks): the CLI, its packages and their
# dependencies, nothing else. The client and the dashboard's sources are not needed: the
# server carries the built dashboard through @cadenza/dashboard's dist.
RUN mkdir -p /packs /out \
 && npx -y pnpm@12.4.2 -r --filter './packages/*' --filter '!@cadenza/client' pack --pack-destination /packs \
 && cd /out \
 && printf '{"name":"cadenza-image","private":true}\n' > package.json \
 && npm install --omit=dev --omit=peer --no-audit --no-fund --loglevel=error /packs/*.tgz \
 && npm cache clean --force

# ---- runtime: Node, the production install, a non-root user ----
FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="cadenza" \
      org.opencontainers.image.description="Distributed job scheduler on Redis: cadenza dev, coordinator, worker, server and admin verbs" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/cadenza-scheduler/cadenza" \
      org.opencontainers.image.url="https://github.com/cadenza-scheduler/cadenza" \
      org.opencontainers.image.documentation="https://github.com/cadenza-scheduler/cadenza/tree/main/deploy/container" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# Its own user and group (10001, numeric below so that Kubernetes' runAsNonRoot can check
# it); it owns /app/data only. /app/.cadenza points there, so `cadenza dev` with its default
# store (sqlite:./.cadenza/cadenza.db) writes into the one writable folder: mount a volume
# at /app/data to keep it.
RUN groupadd --gid 10001 cadenza \
 && useradd --uid 10001 --gid cadenza --home-dir /app --no-create-home --shell /usr/sbin/nologin cadenza \
 && mkdir -p /app/data /app/handlers \
 && chown 10001:10001 /app/data \
 && ln -s data /app/.cadenza
WORKDIR /app
COPY --from=build /out/package.json /app/package.json
COPY --from=build /out/node_modules /app/node_modules

# 0.0.0.0: in a container, the loopback address is reachable from nowhere else. dev and
# server then refuse to start with an open API: give them --tokens-file (CADENZA_TOKENS_FILE)
# or say --insecure (packages/cli/README.md).
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH \
    CADENZA_HOST=0.0.0.0

USER 10001:10001
# The API's default port (dev, server); coordinators and workers serve health and metrics
# only on a --port given to them.
EXPOSE 8080
# No HEALTHCHECK: which port a process serves depends on its kind and flags (a worker
# serves none unless given --port), so Kubernetes and compose probe /healthz and /readyz
# themselves (deploy/kubernetes, deploy/compose).
ENTRYPOINT ["cadenza"]
CMD ["--help"]
