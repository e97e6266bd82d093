"""CMP006: a service's image has no tag or a moving one (``latest``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service, key_pos
from ..models.images import DATABASE_IMAGES, ImageRef
from ..models.moving_tags import CRITICAL_INFRA_IMAGES, ContainerUse, critical_image, moving_tag
from .shared import image_name, image_tag_state

#: ``pull_policy`` values with which compose fetches the tag again by itself
_SELF_PULLING = ("always", "daily", "weekly")


CHECK = Check(
    code="CMP006",
    name="floating-image-tag",
    title="Image has no tag or a floating one (`latest`)",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "An image without a tag, or with a tag that names a channel rather than a version "
        "(`latest`, `stable`, `release`, `lts`, or a bare variant such as `redis:alpine`), changes under you: two hosts "
        "running the same compose file can run different versions, a routine `docker compose pull` "
        "ships a major upgrade nobody reviewed, and a rollback has no version to return to. For "
        "systems of record (PostgreSQL, MySQL, MongoDB, MinIO...) and core infrastructure (reported as "
        "high) a surprise major version can refuse to start on existing data; a key-value store "
        "(Redis, Valkey), a broker or an index is rebuilt or read back by a newer version, and a "
        "cache keeps no data at all, so they are medium like any other image. Severity follows the "
        "model K8S004 and HELM003 use (checks/models/moving_tags.py): compose fetches a moving tag again "
        "only at an explicit pull, so `latest` on an application image is medium, high with "
        "`pull_policy: always` (or daily/weekly), which pulls by itself as Kubernetes does."
    ),
    remediation=(
        "Pin the image to an explicit version tag (`postgres:16.4`, not `postgres` or `postgres:latest`).",
        "Better, pin the digest as well (`postgres:16.4@sha256:...`) and let Renovate or Dependabot propose upgrades.",
        "If the tag comes from a variable, give it a pinned default (`${PG_TAG:-16.4}`), not `latest`.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#image",
        "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
    ),
    peers=("hadolint DL3007", "checkov CKV_DOCKER_7", "kube-linter latest-tag", "checkov CKV_K8S_14"),
    options={"database_images": DATABASE_IMAGES, "critical_images": CRITICAL_INFRA_IMAGES},
)


def _critical(service: Service, ref: ImageRef, ctx) -> bool:
    """The one answer of the moving-tag model (:func:`critical_image`, as K8S004 and HELM003 ask
    it): a system of record or core infrastructure. Key-value stores, brokers and indexes are
    rebuilt or read back by any newer version, and a cache keeps nothing a new major version
    could refuse to read: they float like any other image."""
    databases = tuple(ctx.option("database_images") or DATABASE_IMAGES) if ctx else DATABASE_IMAGES
    infra = tuple(ctx.option("critical_images") or ()) if ctx else CRITICAL_INFRA_IMAGES
    if not critical_image(ref, databases, infra):
        return False
    if ref.name.lower() in infra:
        return True
    store = service.store(databases)
    return store is None or not store.cache


@CHECK.on(ComposeFile)
def floating_image_tag(compose: ComposeFile, ctx=None) -> Iterator[Finding]:
    # services that take their image from one line (an ``x-`` anchor merged into each) are one problem
    found: dict[tuple, list] = {}
    for service in compose.services:
        if "image" not in service.node:
            continue
        state = image_tag_state(service)
        if state is None or state[1] != "floating":
            continue
        pos = key_pos(service.node, "image")
        found.setdefault((pos.line, str(service.image)), [service, state[0], pos, []])[3].append(service)
    for service, ref, pos, services in found.values():
        critical = _critical(service, ref, ctx)
        # ``ghcr.io/app:${APP_VERSION:-release}``: say the moving tag is the variable's fallback
        written = str(compose.written(service.node, "image") or service.image).strip()
        whole_variable = written.startswith("${") and written.endswith("}")
        from_variable = whole_variable or "$" in written.rsplit("/", 1)[-1]
        origins = compose.origins(service.node, "image")
        if origins:  # ``app:${TAG:-1.2}`` with TAG=latest in .env
            default = " (" + ", ".join(f"{o.name} in {o.where}" for o in origins) + ")"
        else:
            default = " (the fallback when its variable is unset)" if from_variable else ""
        what = (f"no tag{default} (pulls latest)" if ref.tag is None
                else f"the moving tag {ref.tag!r}{default}, which names no version")
        # the same model as K8S004/HELM003: compose pulls a moving tag again only when asked,
        # unless pull_policy makes it pull by itself
        policy = str(service.node.get("pull_policy") or "").strip().lower()
        verdict = moving_tag(ref, ContainerUse(), critical=critical,
                             pulls_itself=policy.startswith(_SELF_PULLING) or policy.startswith("every"))
        if verdict is None:
            continue
        kind = " (a database or core infrastructure image)" if critical else ""
        if not critical and verdict.severity > Severity.MEDIUM:
            kind = f" (pull_policy: {policy} pulls whatever it names today at every start)"
        name = image_name(service, ref)
        if len(services) == 1:
            who = f"service {service.name!r} uses"
        else:
            names = ", ".join(repr(s.name) for s in services[:3])
            more = f" and {len(services) - 3} more" if len(services) > 3 else ""
            who = f"{len(services)} services ({names}{more}) use"
        yield CHECK.finding(
            pos,
            resource=service.resource,
            message=f"{who} {name} with {what}{kind}",
            evidence=f"image: {compose.shown(service.node, 'image')}",
            severity=verdict.severity,
        )
