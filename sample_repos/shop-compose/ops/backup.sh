#!/bin/bash
set -euo pipefail
# Nightly database dump (cron: 0 2 * * *)
STAMP=$(date +%Y%m%d-%H%M)
mkdir -p /var/backups/shop
docker compose exec -T db pg_dump -U shop shop | gzip > /var/backups/shop/shop-$STAMP.sql.gz
echo "backup written to /var/backups/shop/shop-$STAMP.sql.gz"
