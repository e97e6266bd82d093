from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the suppression pass (checks/suppress.py); no function of its own.
CHECK = Check(
    code="AUD004",
    name="invalid-suppression",
    title="Suppression comment cannot be understood",
    severity=Severity.LOW,
    category=Category.AUDIT,
    rationale=(
        "A suppression that names a check auditui does not have (usually a typo) or an "
        "expiry date that is not a date silences nothing, while its author believes the "
        "finding is handled."
    ),
    remediation=(
        "Name checks by code or name as listed by `auditui checks` (e.g. `K8S020` or "
        "`image-pull-policy-never`).",
        "Write expiry dates as `until=YYYY-MM-DD`.",
    ),
    effort="5m",
    references=("https://github.com/auditui/auditui#inline-suppressions",),
)
