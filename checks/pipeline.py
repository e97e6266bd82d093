"""The findings pipeline: pure steps from what a check yields to what the user sees.

A file's findings are built once, as new values at every step (findings are frozen):

1. **check**: the file's checks yield findings (``Check.finding``), repeats folded
   (``api.fold_repeats``);
2. **seal** (:func:`seal`): path filled in, message and evidence scrubbed, fingerprint
   computed, the configured severity override applied, and two findings of one check on
   one node numbered (``#2``) so both keep a stable fingerprint;
3. **suppress** (``suppress.Suppressions.apply``): markers in the file, per-path ignores
   and peer tools' markers set ``suppressed_by``; suppression hygiene findings
   (AUD002-AUD004) join;
4. **context** (``context.lower``, ``Engine._in_context``): outside production (a test
   folder, a dev compose file...) a finding says its context and why, and is never
   critical or high;
5. **overlay marks** (``overlays.mark``): findings of a base workload that a Kustomize
   overlay fixes are marked suppressed;
6. **persona** (``persona.apply``): what the configured persona shows (``regular`` rolls a
   workload's open hardening items into one finding and hides information; ``pedantic``
   shows every item; ``auditor`` adds the vendored bundles' findings).

Steps 1-3 depend on the file alone; steps 4-6 may read the repository's index, so the
engine re-runs them (``Engine._finish_file``) when what they read changes.  Repository
findings go through 2, 3 (with the markers of the file they point into), 4 and 6.
Nothing patches a finding after it was handed out: ``Engine.update()`` compares the
values it replaced with those that replaced them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .api import Finding, Severity, fingerprint_of


def evolve(finding: Finding, **changes: Any) -> Finding:
    """A copy of ``finding`` with ``changes`` (``dataclasses.replace``, without re-running ``__init__``).

    Findings are frozen and have no derived fields, so copying the attributes is exact;
    the pipeline makes several of these per finding on a cold scan.
    """
    new = object.__new__(Finding)
    state = new.__dict__
    state.update(finding.__dict__)
    state.update(changes)
    return new


def seal(findings: Iterable[Finding], default_path: str,
         severity: Mapping[str, Severity] | None = None) -> list[Finding]:
    """Step 2: fill the path, scrub, fingerprint, apply severity overrides, number duplicates.

    ``severity`` maps check codes to the configured severity (``Config.severity``): a
    user's override replaces what the check said, including a finding-specific severity.
    """
    out: list[Finding] = []
    seen: Counter[str] = Counter()
    for finding in findings:
        sealed = finding.seal(default_path, severity.get(finding.code) if severity else None)
        seen[sealed.fingerprint] += 1
        if seen[sealed.fingerprint] > 1:  # same check, same node: keep both, stably
            ypath = sealed.ypath + (f"#{seen[sealed.fingerprint]}",)
            sealed = evolve(sealed, ypath=ypath, fingerprint=fingerprint_of(
                sealed.code, sealed.path or default_path, sealed.resource, "/".join(str(part) for part in ypath)))
        out.append(sealed)
    return out
