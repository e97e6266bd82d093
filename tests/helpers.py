"""Small things several test modules share."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SAMPLES: list[Path] = []

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


def clean_copy(source: Path, target: Path) -> Path:
    """Copy a repository without its ``.auditui/`` (triage a user left there must not sway a test)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".auditui"), symlinks=True)
    return target


def sample_repos() -> Path:
    """A copy of ``sample_repos/`` made once per run, without any ``.auditui/`` folder.

    The README invites users to triage in the samples; the tests read this copy, so a
    state file left in a sample never changes what they see.
    """
    if not _SAMPLES:
        folder = Path(tempfile.mkdtemp(prefix="auditui-samples-"))
        atexit.register(shutil.rmtree, folder, True)
        _SAMPLES.append(clean_copy(ROOT / "sample_repos", folder / "sample_repos"))
    return _SAMPLES[0]


def pedantic(**settings):
    """A configuration that shows every finding on its own (the default ``regular`` persona rolls
    hardening items up and hides information-only findings): for tests of the checks themselves."""
    from auditui.checks.config import Config

    return Config(persona="pedantic", **settings)
