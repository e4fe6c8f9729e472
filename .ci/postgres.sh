#!/usr/bin/env bash
# Starts a local PostgreSQL 15 for the test suite and writes the admin URL the
# tests use (REELSTREAM_TEST_POSTGRES) to $TMPDIR/reelstream-ci-postgres-url.
# Runs as root on a Debian machine; installs postgresql-15 when missing.
# Idempotent: safe to re-run on a machine where it already ran.
set -euo pipefail

VERSION=15
CLUSTER=main
ROLE=reelstream
PASSWORD=reelstream
OUT="${TMPDIR:-/tmp}/reelstream-ci-postgres-url"

if [ ! -x "/usr/lib/postgresql/$VERSION/bin/postgres" ]; then
    echo "installing postgresql-$VERSION"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "postgresql-$VERSION"
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
    pg_createcluster "$VERSION" "$CLUSTER"
fi

# A throw-away test server: durability off makes CREATE/DROP DATABASE per
# test and every commit cheap; enough connections for parallel tests that
# each run one or two servers with their pools and listeners.
conf="/etc/postgresql/$VERSION/$CLUSTER/conf.d/reelstream-ci.conf"
want="fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300"
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
    mkdir -p "$(dirname "$conf")"
    echo "$want" > "$conf"
    if pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
        pg_ctlcluster "$VERSION" "$CLUSTER" restart
    fi
fi
if ! pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
    pg_ctlcluster "$VERSION" "$CLUSTER" start
fi

port="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')"
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$port"

# A password role that may create (and drop) the per-test databases.
su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL

# Leftovers of interrupted earlier runs.
for db in $(su postgres -c "psql -p $port -Atc \"SELECT datname FROM pg_database WHERE datname LIKE 'reelstream_test_%'\""); do
    su postgres -c "psql -q -p $port -c 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" || true
done

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$port/postgres" > "$OUT"
echo "PostgreSQL $VERSION ready on 127.0.0.1:$port"
