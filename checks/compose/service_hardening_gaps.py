"""CMP022: a compose service's hardening gaps, rolled into one finding (the ``regular`` persona)."""

from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the persona stage (checks/persona.py), not by a check function: under the
# default ``regular`` persona it stands for the open CMP007, CMP008, CMP009, CMP010 and
# CMP011 items of one service (``pedantic`` shows them one by one).
CHECK = Check(
    code="CMP022",
    name="service-hardening-gaps",
    title="Service lacks several container hardening controls",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Each control limits what an attacker who gets code execution in the container can do: "
        "a non-root user, `no-new-privileges`, no Linux capabilities, a read-only root "
        "filesystem, and an image pinned by digest so what runs is what was reviewed. This "
        "finding lists the ones the service lacks; `--persona pedantic` shows each on its own."
    ),
    remediation=(
        "Add to the service (or to an `x-hardening` anchor merged into every service): "
        "`user: \"10001:10001\"`, `security_opt: [no-new-privileges:true]`, `cap_drop: [ALL]`, "
        "`read_only: true` with `tmpfs` where it must write.",
        "Pin images by digest (`image: repo:tag@sha256:...`).",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/",
        "https://docs.docker.com/engine/security/",
    ),
)
