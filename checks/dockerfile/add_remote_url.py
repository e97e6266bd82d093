from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile
from .shared import remote_kind

CHECK = Check(
    code="DKR006",
    name="add-remote-url",
    title="ADD downloads a remote file without a checksum",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`ADD https://...` fetches whatever the server returns at build time and puts it in "
        "the image unverified: a compromised or changed download ships silently, and the "
        "build is not reproducible. Git sources not pinned to a commit have the same problem."
    ),
    remediation=(
        "Add the expected digest: `ADD --checksum=sha256:<hex> https://... /dest` (BuildKit).",
        "Or download in a RUN with `curl -fsSLo file URL && echo \"<sha256>  file\" | sha256sum -c -`.",
        "For git sources, pin the ref to a full commit sha (`https://github.com/org/repo.git#<sha>`).",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/reference/dockerfile/#add",
        "https://docs.docker.com/build/building/best-practices/#add-or-copy",
    ),
    peers=("checkov CKV_DOCKER_4",),
)


@CHECK.on(Dockerfile)
def add_remote_url(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage, instr in dockerfile.instructions("ADD"):
        words = instr.words
        if len(words) < 2 or instr.heredocs:
            continue
        for source in words[:-1]:
            kind = remote_kind(source)
            if kind == "git":
                ref = source.split("#", 1)[1] if "#" in source else ""
                if re.fullmatch(r"[0-9a-fA-F]{40}(?::.*)?", ref):
                    continue
                yield CHECK.finding(
                    instr, resource=stage.resource,
                    message=f"ADD in stage {stage.label} clones {source} without pinning a commit",
                    evidence=f"ADD {source}",
                )
            elif kind == "url":
                if instr.flag("checksum"):
                    continue
                yield CHECK.finding(
                    instr, resource=stage.resource,
                    message=f"ADD in stage {stage.label} downloads {source} without --checksum",
                    evidence=f"ADD {source}",
                )
