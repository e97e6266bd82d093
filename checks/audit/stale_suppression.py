from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the suppression pass (checks/suppress.py); no function of its own.
CHECK = Check(
    code="AUD003",
    name="stale-suppression",
    title="Suppression matches no finding",
    severity=Severity.INFO,
    category=Category.AUDIT,
    rationale=(
        "A suppression comment that no longer silences anything is left over from a fix "
        "or a move. Stale ignores rot: the next problem that appears on that line is "
        "silenced without anyone having looked at it."
    ),
    remediation=(
        "Delete the suppression comment.",
        "If the finding moved, put the comment on (or above) its new line.",
    ),
    effort="5m",
    references=("https://github.com/auditui/auditui#inline-suppressions",),
)
