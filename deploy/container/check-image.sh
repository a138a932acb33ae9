#!/usr/bin/env bash
# Builds the cadenza image and starts it as each process kind, checking that each answers
# /readyz: `cadenza dev` on its default SQLite store with a handlers module mounted (a job
# is enqueued and must succeed, and the database must land in /app/data), `cadenza dev`
# refusing an open API on the image's 0.0.0.0, and, when redis-server is installed, a
# coordinator and a worker on a Redis started here, and an admin verb (`status`).
#
# Not part of .ci/run: the build takes minutes (about 4 on a 2-core machine that compiles
# better-sqlite3; see deploy/container/README.md). Run it by hand or in an image pipeline:
#   deploy/container/check-image.sh
# Settings (environment):
#   ENGINE      the container command, with global options (default: podman; or docker)
#   IMAGE       the tag to build and run (default: cadenza:check)
#   SKIP_BUILD  1: run an IMAGE already built
#   BUILD_OPTS  extra options of the build (e.g. --isolation=chroot)
#   RUN_OPTS    extra options of every run (e.g. --ulimit nofile=1024:1024)
# Containers use the host's network (--network host) so that this script reaches them and
# they reach the Redis it starts on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

read -r -a engine <<<"${ENGINE:-podman}"
IMAGE=${IMAGE:-cadenza:check}
read -r -a build_opts <<<"${BUILD_OPTS:-}"
read -r -a run_opts <<<"${RUN_OPTS:-}"
tag=cz-check-$$
started=()
redis_pid=

cleanup() {
  for name in "${started[@]}"; do "${engine[@]}" rm -f "$name" >/dev/null 2>&1 || true; done
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

run() { "${engine[@]}" run --network host "${run_opts[@]}" "$@"; }

# Starts a detached container named $tag-$1 with the rest as the image's arguments.
start() {
  local name=$tag-$1
  shift
  started+=("$name")
  run -d --name "$name" -v "$PWD/examples/handlers.mjs:/app/handlers/index.mjs:ro" "$IMAGE" "$@" >/dev/null
}

# Waits up to 30 s for GET $2/readyz to answer 200; prints the answer.
ready() {
  local what=$1 url=$2 code=
  for _ in $(seq 60); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" || true)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
  echo "$what: GET $url/readyz -> $code $(curl -s "$url/readyz" || true)"
  [ "$code" = 200 ] || { "${engine[@]}" logs "$tag-$what" >&2 || true; fail "$what is not ready"; }
}

if [ "${SKIP_BUILD:-}" != 1 ]; then
  begin=$(date +%s)
  "${engine[@]}" build "${build_opts[@]}" -t "$IMAGE" .
  echo "build: $(($(date +%s) - begin)) s"
fi
"${engine[@]}" images "$IMAGE"

want=$(node -p "require('./packages/cli/package.json').version")
got=$(run --rm "$IMAGE" --version)
[ "$got" = "$want" ] || fail "cadenza --version printed $got, expected $want"
user=$("${engine[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
[ "$user" = 10001:10001 ] || fail "the image's user is '$user', expected 10001:10001"
echo "version $got, user $user"

# dev on its default store (sqlite:./.cadenza/cadenza.db, which the image points at
# /app/data), with the example handlers mounted, on a loopback address: the API is open.
port=$(free_port)
start dev dev --handlers /app/handlers/index.mjs --port "$port" --host 127.0.0.1
ready dev "http://127.0.0.1:$port"
id=$(curl -s "http://127.0.0.1:$port/v1/jobs" -H 'content-type: application/json' \
  -d '{"name":"email.send","payload":{"to":"ada@example.com"}}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "enqueue returned no job id"
status=
for _ in $(seq 60); do
  status=$(curl -s "http://127.0.0.1:$port/v1/jobs/$id" | sed -n 's/.*"status":"\([a-z_]*\)".*/\1/p')
  [ "$status" = succeeded ] && break
  sleep 0.5
done
echo "dev: job $id $status"
[ "$status" = succeeded ] || fail "job $id is $status, expected succeeded"
"${engine[@]}" exec "$tag-dev" test -s /app/data/cadenza.db || fail "no /app/data/cadenza.db"
echo "dev: the store is /app/data/cadenza.db"

# The image listens on 0.0.0.0: without tokens or --insecure, dev must refuse to start.
if out=$(run --rm "$IMAGE" dev --store memory --port "$(free_port)" 2>&1); then
  fail "dev served an open API on 0.0.0.0"
fi
echo "$out" | grep -q -- '--tokens-file' || fail "dev's refusal does not name --tokens-file: $out"
echo "dev on 0.0.0.0 without tokens: refused ($(echo "$out" | tail -1 | cut -c1-80)...)"

if ! command -v redis-server >/dev/null; then
  echo "no redis-server: coordinator and worker not checked"
  exit 0
fi
rport=$(free_port)
redis_dir=$(mktemp -d)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
  --pidfile "$redis_dir/redis.pid" --daemonize yes >/dev/null
for _ in $(seq 20); do [ -s "$redis_dir/redis.pid" ] && break; sleep 0.2; done
redis_pid=$(cat "$redis_dir/redis.pid")
redis=redis://127.0.0.1:$rport

cport=$(free_port)
start coordinator coordinator --redis "$redis" --port "$cport"
ready coordinator "http://127.0.0.1:$cport"
wport=$(free_port)
start worker worker --redis "$redis" --handlers /app/handlers/index.mjs --port "$wport"
ready worker "http://127.0.0.1:$wport"
run --rm "$IMAGE" status --redis "$redis" || fail "cadenza status failed"
echo "all checks passed"
