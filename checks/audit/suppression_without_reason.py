from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the suppression pass (checks/suppress.py), which is the only place that
# reads suppression comments; it has no function of its own.
CHECK = Check(
    code="AUD002",
    name="suppression-without-reason",
    title="Suppression without a reason",
    severity=Severity.LOW,
    category=Category.AUDIT,
    rationale=(
        "An `auditui: ignore[...]` comment with no reason hides a finding without telling "
        "the next reader why it was safe to do so. Months later nobody knows whether it "
        "was a deliberate, reviewed exception or a way to get the pipeline green."
    ),
    remediation=(
        "Write the reason after the brackets: `# auditui: ignore[K8S020] kind cluster only`.",
        "If the exception is temporary, add `until=YYYY-MM-DD` so the finding comes back.",
        "If there is no good reason, remove the comment and fix the finding.",
    ),
    effort="5m",
    references=("https://github.com/auditui/auditui#inline-suppressions",),
)
