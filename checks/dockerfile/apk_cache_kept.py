from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, packages_installed, run_mounts, shell_commands

CHECK = Check(
    code="DKR013",
    name="apk-cache-kept",
    title="apk add keeps its package index in the image",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "`apk add` without `--no-cache` (or after `apk update`) stores the package index "
        "under /var/cache/apk in the layer: dead weight in every copy of the image. Only "
        "stages that end up in the final image are checked; removing /var/cache/apk in the "
        "same RUN or using a cache mount is fine."
    ),
    remediation=(
        "Use `apk add --no-cache <packages>` (it also makes a separate `apk update` unnecessary).",
        "Or keep the cache in a mount: `RUN --mount=type=cache,target=/var/cache/apk apk add ...`.",
    ),
    effort="15m",
    references=("https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache",),
    peers=("hadolint DL3019",),
)

_CACHE_DIRS = ("/var/cache/apk", "/etc/apk/cache")


@CHECK.on(Dockerfile)
def apk_cache_kept(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.shipped_stages():
        for instr in stage.all("RUN"):
            adds = [i for i in packages_installed(instr) if i.manager == "apk" and i.packages]
            if not adds or all("--no-cache" in i.options for i in adds):
                continue
            commands = shell_commands(instr)
            if any(c.program == "rm" and any(a.startswith(_CACHE_DIRS) for a in c.args) for c in commands):
                continue
            if any(c.program == "apk" and "cache" in c.args and "clean" in c.args for c in commands):
                continue
            if any(m.get("type") in ("cache", "tmpfs") and m.get("target", "").rstrip("/").startswith(_CACHE_DIRS)
                   for m in run_mounts(instr)):
                continue
            add = next(i for i in adds if "--no-cache" not in i.options)
            yield CHECK.finding(
                instr, resource=stage.resource,
                message=f"apk add in stage {stage.label} runs without --no-cache",
                evidence=f"apk add {' '.join(add.packages[:4])}",
            )
