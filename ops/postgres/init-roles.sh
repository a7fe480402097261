#!/bin/sh
# Gives Frontdesk's two runtime roles their logins, on the first start of an
# empty data volume (the postgres image runs /docker-entrypoint-initdb.d once).
# The server's first migration creates these roles only when they are missing,
# and never touches a login it finds. On a managed service, run the same two
# statements as its admin user (README, "Managed Postgres").
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$FRONTDESK_APP_PASSWORD" -v sync_password="$FRONTDESK_SYNC_PASSWORD" <<'SQL'
CREATE ROLE frontdesk_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE ROLE frontdesk_sync LOGIN PASSWORD :'sync_password' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
SQL
