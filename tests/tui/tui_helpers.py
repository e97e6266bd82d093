"""Helpers of the TUI tests: a small repository and a fixed set of checks.

The TUI tests pin their own four checks (one real one, K8S020, and three small
test checks) so that what they assert and what the snapshots show does not move
whenever the catalog grows.  The engine, the store and the app are all real.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

from auditui.checks.api import Category, Check, Finding, Severity, redact
from auditui.checks.k8s import image_pull_policy_never
from auditui.checks.models.compose import ComposeFile
from auditui.checks.models.k8s import Workload

FIXTURE = Path(__file__).parent / "fixtures" / "shop"
SECRET = "supersecretpassword1"

PASSWORD = Check(
    code="TUI001",
    name="test-literal-password",
    title="Password written in the compose file",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale="A password in the repository is in every clone of it.",
    remediation=("Move the password to a secret store.", "Rotate it."),
    effort="1h",
    references=("https://example.com/secrets",),
)


@PASSWORD.on(ComposeFile)
def _password(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        for var in service.environment():
            if "PASSWORD" in var.name and var.value:
                yield PASSWORD.finding(var, resource=f"service/{service.name}",
                                       message=f"{var.name} of {service.name} is a literal",
                                       evidence=f"{var.name}: {redact(var.value)}")


LATEST = Check(
    code="TUI002",
    name="test-latest-tag",
    title="Image uses the latest tag",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale="`latest` moves: two deploys of one commit may run different code.",
    remediation=("Pin the image to a version.", "Add the digest."),
    effort="15m",
)


@LATEST.on(ComposeFile)
def _latest(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        image = service.image or ""
        if image.endswith(":latest"):
            yield LATEST.finding(service.node, "image", resource=f"service/{service.name}",
                                 message=f"{service.name} runs {image}", evidence=f"image: {image}")


LIMITS = Check(
    code="TUI003",
    name="test-no-limits",
    title="Container has no resource limits",
    severity=Severity.LOW,
    category=Category.RESOURCES,
    rationale="Without limits one container can starve its node.",
    remediation=("Set resources.limits.",),
    effort="30m",
)


@LIMITS.on(Workload)
def _limits(workload: Workload) -> Iterator[Finding]:
    for container in workload.containers():
        resources = container.node.get("resources")
        if not (hasattr(resources, "get") and resources.get("limits")):
            yield LIMITS.finding(container.node, "name", resource=container.resource,
                                 message=f"container {container.name!r} has no limits")


CHECKS = (PASSWORD, LATEST, LIMITS, image_pull_policy_never.CHECK)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Pause the pilot until ``condition()`` holds (a timeout loop, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(0.02)


async def scanned(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.scanned_once and not app._busy and not app.findings_screen.table.filling,
                   what="the first scan")
    await pilot.pause()


def row_strip(app, key: str):
    """The line the findings list draws for a row (a finding's fingerprint or a group id)."""
    table = app.findings_screen.table
    index = table.row_keys.index(key)
    table.scroll_to(y=max(0, index - 2), animate=False)
    return table.render_line(index - table.scroll_offset.y)
