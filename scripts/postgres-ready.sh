#!/usr/bin/env bash
# Exits 0 when PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if it is down.
# Outside CI an unreachable server exits 2 (the caller skips the PostgreSQL run with a
# warning); in CI (CI=true) it exits 1: a PostgreSQL run that cannot happen is a failure.
set -uo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! ready && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do ready && break; sleep 1; done
fi

ready && exit 0
if [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432, and CI must test on it." >&2
  exit 1
fi
echo "WARNING: PostgreSQL is not reachable on 127.0.0.1:5432; skipping the PostgreSQL run." >&2
exit 2
