#!/usr/bin/env bash
# For machines without an image registry (an air-gapped host, a sandbox): makes a local
# stand-in for the Dockerfile's base image, node:20-bookworm-slim, so that the Dockerfile
# builds unchanged. Anywhere a registry is reachable, skip this script: `podman build` (or
# `docker build`) pulls the real image.
#
# What it makes: a minimal Debian bookworm root filesystem from the Debian mirror
# (debootstrap --variant=minbase), plus this host's Node 20 laid out as the official image
# lays it out (/usr/local/bin/node, headers under /usr/local/include/node, npm and npx under
# /usr/local/lib/node_modules), plus the `node` user (uid 1000) the official image has.
# Imported into podman and tagged docker.io/library/node:20-bookworm-slim.
#
# Needs root, debootstrap and podman, and a host whose /usr/bin/node is Node 20 (Debian
# bookworm's own nodejs is 18: install Node 20 first). Usage:
#   sudo deploy/container/make-local-base.sh [TAG]
set -euo pipefail

TAG=${1:-docker.io/library/node:20-bookworm-slim}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
NODE=$(command -v node)

major=$("$NODE" -p 'process.versions.node.split(".")[0]')
if [ "$major" != 20 ]; then
  echo "make-local-base: $NODE is Node $("$NODE" --version); expected Node 20" >&2
  exit 1
fi
# Node's prefix on this host: /usr for a distribution package, /usr/local for the tarball.
prefix=$(dirname "$(dirname "$(readlink -f "$NODE")")")

root=$(mktemp -d /var/tmp/cadenza-base.XXXXXX)
trap 'rm -rf "$root"' EXIT

# ca-certificates: npm talks to its registry over TLS (the official slim image has none
# either, but npx fetches pnpm at build time and needs them here).
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$MIRROR"

install -D -m 0755 "$(readlink -f "$NODE")" "$root/usr/local/bin/node"
if [ -d "$prefix/include/node" ]; then
  mkdir -p "$root/usr/local/include"
  cp -a "$prefix/include/node" "$root/usr/local/include/node"
fi
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$prefix/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# Shared libraries node needs that minbase lacks (a distribution's node may link to
# system copies of OpenSSL, ICU, libuv, ...): copy each from the host.
missing=$(chroot "$root" /usr/bin/ldd /usr/local/bin/node | awk '/not found/ { print $1 }')
for lib in $missing; do
  host=$(ldd "$NODE" | awk -v l="$lib" '$1 == l { print $3 }')
  cp -L "$host" "$root/usr/lib/x86_64-linux-gnu/$lib"
done
chroot "$root" /usr/local/bin/node --version

# The official image's user.
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# Smaller: no apt lists, caches or docs.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/*

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$("$NODE" -p process.versions.node)" \
  --change 'CMD ["node"]' \
  - "$TAG"
podman images "$TAG"
