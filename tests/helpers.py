"""Small things several test modules share."""

from __future__ import annotations

import textwrap
from pathlib import Path

#: a Pod with one finding (K8S020 imagePullPolicy: Never) and nothing else serious
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  containers:
    - name: c
      image: registry.example.com/app:1.0.0
      imagePullPolicy: Never
"""


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` (dedented) at ``root/rel``, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
