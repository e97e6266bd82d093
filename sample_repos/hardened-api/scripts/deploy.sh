#!/usr/bin/env bash
# Roll out an image digest built by CI; Kubernetes keeps the previous ReplicaSet for rollback.
set -euo pipefail

digest="${1:?usage: deploy.sh IMAGE_DIGEST}"
cluster="${CLUSTER_NAME:?set CLUSTER_NAME}"

aws eks update-kubeconfig --name "$cluster"
cd "$(dirname "$0")/../deploy/overlays/production"
kustomize edit set image "ghcr.io/example/orders-api@${digest}"
kubectl apply -k .
kubectl -n orders rollout status deployment/orders-api --timeout=5m
