#!/bin/bash
set -e
# Roll back to the previous commit
cd /srv/shop
git reset --hard HEAD~1
docker compose up -d --build
