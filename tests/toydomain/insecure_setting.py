from __future__ import annotations

from typing import Iterator

from auditui.checks.api import Category, Check, Finding, Severity

from .model import ToyFile

CHECK = Check(
    code="TOY001",
    name="toy-insecure-setting",
    title="Setting turns security off",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale="A test-only check: `insecure = true` turns the toy's security off.",
    remediation=("Set `insecure = false`.",),
    effort="5m",
)


@CHECK.on(ToyFile)
def insecure_setting(model: ToyFile) -> Iterator[Finding]:
    for setting in model.settings:
        if setting.key == "insecure" and setting.value == "true":
            yield CHECK.finding(setting.pos, resource=f"setting/{setting.key}",
                                message="insecure = true turns security off", evidence="insecure = true")
