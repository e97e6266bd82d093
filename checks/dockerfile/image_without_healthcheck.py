from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile

CHECK = Check(
    code="DKR002",
    name="image-without-healthcheck",
    title="Service image declares no HEALTHCHECK",
    # Low, not medium: Kubernetes ignores HEALTHCHECK and uses its own probes, so the
    # instruction only helps where the image runs under Docker, Compose or Swarm.
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    rationale=(
        "The final stage exposes a port, so the image is a service, but it declares no "
        "HEALTHCHECK. Under Docker, Compose and Swarm a hung process then still counts as "
        "running: nothing restarts it and `depends_on: condition: service_healthy` cannot "
        "wait for it. (Kubernetes ignores HEALTHCHECK and uses its own probes, hence the "
        "low severity; images that expose no port are jobs or tools and are not flagged.)"
    ),
    remediation=(
        "Add a cheap health endpoint or command to the service (e.g. `/healthz`).",
        "Declare it in the final stage: `HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app\", \"healthcheck\"]` "
        "(use a binary in the image; distroless images have no curl).",
        "If health is checked elsewhere on purpose, say so with `HEALTHCHECK NONE`.",
    ),
    effort="30m",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
    peers=("checkov CKV_DOCKER_2",),
)


@CHECK.on(Dockerfile)
def image_without_healthcheck(dockerfile: Dockerfile) -> Iterator[Finding]:
    final = dockerfile.final
    chain = final.chain()
    if any(stage.all("HEALTHCHECK") for stage in chain):
        return  # includes an explicit HEALTHCHECK NONE: a deliberate choice
    exposed = [word for stage in chain for instr in stage.all("EXPOSE") for word in instr.words]
    if not exposed:
        return
    yield CHECK.finding(
        final.from_instr, resource=final.resource,
        message=f"the final stage {final.label} exposes {', '.join(exposed[:3])} but declares no HEALTHCHECK",
        evidence=f"FROM {final.from_instr.args.strip()}",
    )
