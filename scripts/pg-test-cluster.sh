#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port and prints the URL for
# LEERROUTE_TEST_POSTGRES_URL. Installs PostgreSQL from Debian's packages when missing.
#   eval "$(scripts/pg-test-cluster.sh start)"   # exports LEERROUTE_TEST_POSTGRES_URL and PG_TEST_ROOT
#   scripts/pg-test-cluster.sh stop "$PG_TEST_ROOT"
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port between 55432 and 55532" >&2
  exit 1
}

start() {
  if [ -z "$(pg_bin)" ] || ! id postgres >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 && apt-get install -y postgresql >&2
  fi
  local bin root port
  bin=$(pg_bin)
  root=$(mktemp -d /tmp/leerroute-pg.XXXXXX)
  mkdir -p "$root/data" "$root/socket"
  chown -R postgres:postgres "$root"
  port=$(free_port)
  su postgres -s /bin/sh -c "'$bin/initdb' -D '$root/data' -A trust -U postgres -E UTF8 --no-locale" >&2
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$root/data' -l '$root/log' -w -o \"-p $port -k $root/socket -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >&2
  echo "export PG_TEST_ROOT=$root"
  echo "export LEERROUTE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local root=$1 bin
  bin=$(pg_bin)
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$root/data' -m immediate stop" >&2 || true
  rm -rf "$root"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?root folder}" ;;
  *) echo "usage: $0 start | stop ROOT" >&2; exit 2 ;;
esac
