"""Files are classified by content and name, wherever they live."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.checks.models.base import FileKind

CASES = [
    ("deploy/db.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n", FileKind.KUBERNETES),
    ("stack.yaml", "services:\n  web:\n    image: nginx:1.27\n", FileKind.COMPOSE),
    ("hwaccel.transcoding.yml", "services:\n  hw:\n    devices: [/dev/dri:/dev/dri]\n", FileKind.COMPOSE),
    ("docker-compose.prod.yml", "services:\n  web:\n    ports: ['80:80']\n", FileKind.COMPOSE),
    ("ci/.gitlab-ci.yml", "services:\n  - postgres:16\ntest:\n  script: [make]\n", None),
    ("config/app.yaml", "services:\n  payments:\n    url: https://pay\n", FileKind.YAML),
    ("ops/kustomization.yaml", "resources: [a.yaml]\n", FileKind.KUSTOMIZATION),
    (".github/workflows/ci.yml", "on: push\njobs: {}\n", FileKind.WORKFLOW),
    ("docker/api.Dockerfile", "FROM python:3.12\n", FileKind.DOCKERFILE),
    ("Containerfile", "FROM alpine:3.20\n", FileKind.DOCKERFILE),
    ("Dockerfile.prod", "FROM alpine:3.20\n", FileKind.DOCKERFILE),
    # named after a Dockerfile, but Go source about Dockerfiles, docs, BuildKit's ignore file
    ("cmd/cli/dockerfile.go", "package cli\n\n// FROM scratch\nfunc x() {}\n", FileKind.SOURCE),
    ("docs/Dockerfile.md", "# FROM alpine\n", None),
    ("Dockerfile.dockerignore", "node_modules\n", None),
    ("bin/deploy", "#!/usr/bin/env bash\necho hi\n", FileKind.SHELL),
    ("scripts/run.sh", "echo hi\n", FileKind.SHELL),
    ("config/.env.production", "A=1\n", FileKind.ENV),
    ("prod.env", "A=1\n", FileKind.ENV),
]


@pytest.mark.parametrize(("rel", "text", "kind"), CASES, ids=[c[0] for c in CASES])
def test_classification(tmp_path: Path, rel: str, text: str, kind):
    target = tmp_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    record = engine.records.get(rel)
    got = record.kind if record is not None else None
    if kind is None:
        assert got in (None, FileKind.YAML)
    else:
        assert got is kind
