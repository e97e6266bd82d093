#!/bin/bash
set -euo pipefail
# Smoke test after deploy
curl -fsS https://api.shop-prod.example.com/health
curl -fsS https://shop-prod.example.com/ > /dev/null
echo "smoke ok"
