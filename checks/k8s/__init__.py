"""Kubernetes and Kustomize checks: every module is listed here, in code order."""

from . import image_pull_policy_never

CHECKS = (
    image_pull_policy_never.CHECK,
)
