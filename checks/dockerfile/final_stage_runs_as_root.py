from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, effective_user, is_root_user
from ..models.images import ImageRef

CHECK = Check(
    code="DKR001",
    name="final-stage-runs-as-root",
    title="Image runs as root (final stage sets no non-root USER)",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Without a USER instruction, or when the last USER is root or uid 0, the container's "
        "process runs as root. Any code-execution bug then has root inside the container, "
        "can rewrite the image's files and is one kernel or runtime flaw away from root on "
        "the node; policies such as Kubernetes `runAsNonRoot` also refuse to start it. "
        "Only the final stage matters: build stages may run as root. A final stage built on an "
        "application image (rather than an OS or language base) is reported as medium: that "
        "image may set a non-root user this file cannot see. So is a stage that installs a "
        "privilege-dropping tool (gosu, su-exec, setpriv): its entrypoint probably starts as root "
        "only to prepare volumes and then switches user, which this file cannot verify."
    ),
    remediation=(
        "Create an unprivileged user in the final stage (e.g. `RUN useradd --uid 10001 --no-create-home app`), "
        "or use a base that ships one (distroless `:nonroot`, uid 65532).",
        "Give that user only the files it must write (`COPY --chown=10001:10001`).",
        "End the final stage with `USER 10001:10001` (a numeric uid lets Kubernetes verify runAsNonRoot).",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/dockerfile/#user",
        "https://docs.docker.com/build/building/best-practices/#user",
    ),
    peers=("hadolint DL3002", "checkov CKV_DOCKER_3", "checkov CKV_DOCKER_8"),
    options={"nonroot_images": []},
)

#: base images known to run as a non-root user by default
_NONROOT_TAG_WORDS = ("nonroot",)
#: operating-system and language-runtime images whose default user is root: without a USER
#: of its own, a stage built on one of these certainly runs as root.  Application images
#: (``grafana/grafana``, ``bitnami/postgresql``) often set a user of their own, which this
#: file cannot see, so they are reported as medium with a hedged message.
_ROOT_DEFAULT_BASES = frozenset({
    "alpine", "debian", "ubuntu", "centos", "fedora", "rockylinux", "almalinux", "oraclelinux",
    "amazonlinux", "archlinux", "opensuse", "leap", "busybox", "ubi", "ubi-minimal", "ubi8",
    "ubi9", "ubi8-minimal", "ubi9-minimal", "python", "node", "golang", "ruby", "php", "perl",
    "openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "rust",
    "gcc", "maven", "gradle", "elixir", "erlang", "haskell", "julia", "r-base", "swift", "dart",
    "bash", "buildpack-deps", "sdk", "aspnet", "runtime", "runtime-deps", "mono", "clojure",
    "nginx", "httpd", "tomcat", "jetty", "docker", "bun", "deno", "static", "base", "cc",
    "base-debian11", "base-debian12", "static-debian11", "static-debian12", "cc-debian12",
})
_NONROOT_NAME_WORDS = ("unprivileged", "rootless", "nanoserver")


def _runs_nonroot_by_default(image: ImageRef, extra: list[str]) -> bool:
    tag = (image.tag or "").lower()
    repository = image.repository.lower()
    full = f"{image.registry}/{repository}" if image.registry else repository
    if any(word in tag for word in _NONROOT_TAG_WORDS):
        return True
    if any(word in repository for word in _NONROOT_NAME_WORDS):
        return True
    return any(full == str(p).lower().rstrip("/") or full.startswith(str(p).lower().rstrip("/") + "/")
               or image.raw.lower().startswith(str(p).lower()) for p in extra or ())


#: tools an entrypoint uses to drop from root to another user once it has prepared the
#: container (chown of volumes, reading secrets): official images (postgres, redis) do this
_DROP_TOOL_RE = re.compile(r"(?<![\w-])(gosu|su-exec|s6-setuidgid|setpriv|chpst)(?![\w-])")


def _privilege_drop_tool(stage) -> str | None:
    """The privilege-dropping tool the stage installs, copies in or starts through, if any."""
    seen: set[int] = set()
    while stage is not None and id(stage) not in seen:
        seen.add(id(stage))
        for instr in stage.instructions:
            if instr.instruction in ("RUN", "COPY", "ADD", "ENTRYPOINT", "CMD"):
                match = _DROP_TOOL_RE.search(instr.value)
                if match:
                    return match.group(1)
        stage = stage.parent
    return None


@CHECK.on(Dockerfile)
def final_stage_runs_as_root(dockerfile: Dockerfile, ctx=None) -> Iterator[Finding]:
    final = dockerfile.final
    found = effective_user(final)
    if found is not None:
        user, instr = found
        if is_root_user(user):
            where = "" if instr in final.instructions else " (inherited from the stage it builds FROM)"
            yield CHECK.finding(
                instr, resource=final.resource,
                message=f"the last USER of the final stage {final.label} is {user!r}{where}: the container runs as root",
                evidence=f"USER {instr.args.strip()}",
            )
        return
    image = final.root_image()
    if image is None and not any(stage.all("ENTRYPOINT", "CMD") for stage in final.chain()):
        return  # a scratch stage with nothing to run: files exported with `--output`, not an image to run
    if image is not None:
        if image.templated:
            return  # a base we cannot resolve may set its own user
        extra = ctx.option("nonroot_images") if ctx is not None else []
        if _runs_nonroot_by_default(image, extra if isinstance(extra, list) else []):
            return
    base = image.raw if image is not None else "scratch"
    tool = _privilege_drop_tool(final)
    if tool is not None:
        # starting as root to fix volume ownership and then dropping privileges is a known
        # pattern; this file cannot see whether the entrypoint really drops them
        yield CHECK.finding(
            final.from_instr, resource=final.resource,
            message=f"the final stage {final.label} never sets USER: the container starts as root and relies "
                    f"on its entrypoint dropping privileges with {tool}; make sure every path does, or set USER",
            evidence=f"FROM {final.from_instr.args.strip()}",
            severity=Severity.MEDIUM,
        )
        return
    if image is None or image.name.lower() in _ROOT_DEFAULT_BASES:
        yield CHECK.finding(
            final.from_instr, resource=final.resource,
            message=f"the final stage {final.label} (FROM {base}) never sets USER, so the container runs as root",
            evidence=f"FROM {final.from_instr.args.strip()}",
        )
        return
    # an application image may set its own user; this file cannot tell
    yield CHECK.finding(
        final.from_instr, resource=final.resource,
        message=f"the final stage {final.label} never sets USER: the container runs as whatever user "
                f"{image.repository} sets, root unless that image chose another",
        evidence=f"FROM {final.from_instr.args.strip()}",
        severity=Severity.MEDIUM,
    )
