from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile
from .shared import remote_kind

CHECK = Check(
    code="DKR007",
    name="add-instead-of-copy",
    title="ADD used for local files where COPY would do",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "ADD has hidden behaviour: it unpacks local tar archives and fetches URLs. Used for "
        "plain files and folders it works like COPY today, but a file that later becomes a "
        "tarball is silently extracted, and readers must check each ADD for side effects. "
        "COPY says exactly what happens. Local tar archives (where unpacking is the point) "
        "and remote sources (DKR006) are not reported here."
    ),
    remediation=(
        "Replace `ADD` with `COPY` for local files and directories (flags such as --chown carry over).",
        "Keep ADD only to unpack a local tar archive.",
    ),
    effort="15m",
    references=(
        "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        "https://docs.docker.com/reference/dockerfile/#copy",
    ),
    peers=("hadolint DL3020", "checkov CKV_DOCKER_4"),
)

_ARCHIVE_RE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tzst|taz|tz|gz|bz2|xz|zst|lz|lzma|z)$", re.IGNORECASE)


@CHECK.on(Dockerfile)
def add_instead_of_copy(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage, instr in dockerfile.instructions("ADD"):
        words = instr.words
        if len(words) < 2 or instr.heredocs:
            continue
        sources = words[:-1]
        plain: list[str] = []
        for source in sources:
            if remote_kind(source) is not None or "$" in source or _ARCHIVE_RE.search(source.rstrip("*")):
                plain = []
                break  # one remote, templated or archive source: ADD is doing ADD's job
            plain.append(source)
        if plain:
            yield CHECK.finding(
                instr, resource=stage.resource,
                message=f"ADD in stage {stage.label} copies local {', '.join(plain[:3])}; use COPY",
                evidence=f"ADD {' '.join(words)[:120]}",
            )
