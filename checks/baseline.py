"""Baselines: compare a scan with an earlier JSON result, by fingerprint.

A baseline is simply the output of ``auditui scan --format json`` (``version: 1``),
so any stored CI artifact can serve as one.  Only fingerprints matter: a finding
whose fingerprint is in the baseline is *known*; one that is not is *new*; a
baseline entry whose fingerprint no longer appears is *fixed*.  Fingerprints do not
contain line numbers, so edits elsewhere in a file do not make old findings new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .api import Finding

__all__ = ["Baseline", "BaselineError", "Comparison", "load", "compare"]

SUPPORTED_VERSIONS = (1,)


class BaselineError(Exception):
    """The baseline file is missing or not an auditui JSON result (one-line message)."""


@dataclass
class Baseline:
    path: str
    #: fingerprint -> the finding's JSON object in the baseline
    entries: dict[str, dict] = field(default_factory=dict)

    @property
    def fingerprints(self) -> set[str]:
        return set(self.entries)


@dataclass
class Comparison:
    new: list[Finding]
    known: list[Finding]
    #: baseline entries (JSON objects) whose finding is gone
    fixed: list[dict]

    def summary(self, path: str) -> dict:
        return {"path": path, "new": len(self.new), "known": len(self.known), "fixed": len(self.fixed)}


#: a baseline is a JSON result of a scan: tens of MiB only for hundreds of thousands of findings
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def load(path: str | Path, root: str | Path | None = None) -> Baseline:
    """The baseline at ``path``; with ``root`` (the repository), a baseline inside it is read
    only when it is a regular file that stays inside (see :mod:`safeio`)."""
    from . import safeio

    path = Path(path)
    inside = root is not None and safeio.in_repository(path, root)
    try:
        raw = safeio.read_text(path, root=root if inside else None, limit=MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with --update-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"baseline {path} is not an auditui JSON result (no 'findings' list)")
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise BaselineError(f"baseline {path} has unsupported version {version!r} (expected 1)")
    entries: dict[str, dict] = {}
    for number, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}: finding #{number + 1} has no fingerprint")
        entries[item["fingerprint"]] = item
    return Baseline(str(path), entries)


def compare(findings: Iterable[Finding], baseline: Baseline) -> Comparison:
    findings = list(findings)
    known_fps = baseline.fingerprints
    new = [f for f in findings if f.fingerprint not in known_fps]
    known = [f for f in findings if f.fingerprint in known_fps]
    current = {f.fingerprint for f in findings}
    fixed = [entry for fp, entry in baseline.entries.items() if fp not in current]
    return Comparison(new, known, fixed)
