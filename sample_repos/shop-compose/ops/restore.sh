#!/bin/bash
set -euo pipefail
# Restore a dump: ops/restore.sh /var/backups/shop/shop-20240101-0200.sql.gz
DUMP=$1
docker compose exec -T db psql -U shop -c "DROP DATABASE shop;"
docker compose exec -T db psql -U shop -c "CREATE DATABASE shop;"
gunzip -c "$DUMP" | docker compose exec -T db psql -U shop shop
