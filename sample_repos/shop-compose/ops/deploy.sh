#!/bin/bash
# Deploy the shop on the production host: pull, rebuild, restart.
cd /srv/shop

export JWT_SECRET=${JWT_SECRET:-$(openssl rand -hex 32)}

git pull origin main
docker compose build
docker compose up -d --build
docker compose exec -T api python manage.py migrate
echo "deployed $(git rev-parse --short HEAD)"
