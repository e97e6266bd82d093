"""CMP010: a service runs as root, or leaves the user to the image."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.compose import interpolate
from ..models.topics import COMPOSE_SERVICE, DOCKER_FILE, SHELL_PRIVDROP
from ..models.users import Default, Level, image_user, is_root_user, judge_image, scripts_that_step_down

CHECK = Check(
    code="CMP010",
    name="container-runs-as-root",
    title="Service runs as root or does not set `user:`",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A process running as root in the container is root on the host's kernel: any container "
        "escape, writable host mount or added capability becomes full host access. Without "
        "`user:` the image decides, and many images still default to root; `user: root` or "
        "`user: \"0\"` (reported as medium) makes it certain. A service is not reported when what it "
        "runs steps down or runs as another user: the Dockerfile it builds from the repository "
        "sets a non-root USER (or its entrypoint steps down with gosu, su-exec...), or its image is "
        "one that does (official postgres, mysql, redis...; Bitnami, Grafana, distroless `:nonroot`)."
    ),
    remediation=(
        "Set `user:` to a non-root UID:GID the image supports (`user: \"10001:10001\"`).",
        "Make the volumes the service writes owned by that UID (or use the image's documented non-root user).",
        "For images that need root only to start (official postgres, nginx), prefer their rootless or "
        "`-unprivileged` variants.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#user",
        "https://docs.docker.com/engine/security/userns-remap/",
    ),
    peers=("checkov CKV_DOCKER_3", "hadolint DL3002", "kube-linter run-as-non-root", "checkov CKV_K8S_23"),
)


def _scripts(index: RepoIndex) -> dict[str, tuple[str, int]]:
    return scripts_that_step_down(index.facts(SHELL_PRIVDROP))


@CHECK.on_each(COMPOSE_SERVICE)
def container_runs_as_root(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    packed = fact.data.run_as
    if not packed:
        return
    run_as = dict(packed)
    name, resource = fact.key, f"service/{fact.key}"
    raw = run_as.get("user")
    if raw is not None:
        if is_root_user(interpolate(raw)):
            line = run_as["user_line"]
            yield CHECK.finding(Pos(line, line, tuple(run_as["user_ypath"]), path=path), resource=resource,
                                message=f"service {name!r} runs as root explicitly",
                                evidence=f"user: {raw}", severity=Severity.MEDIUM)
        return
    if run_as.get("inherited") or not run_as.get("complete"):
        return
    at = Pos(run_as["key_line"], run_as["key_line"], tuple(run_as["key_ypath"]), path=path)
    build = fact.data.build_files
    if build:
        context, dockerfile = build
        built = index.facts_in(DOCKER_FILE, dockerfile)
        if built and built[0].data.run_as:
            verdict = judge_image(dict(built[0].data.run_as),
                                  index.derived("users:privdrop", ("shell:privdrop",), _scripts), context)
            if verdict.level >= Level.LIKELY:
                yield CHECK.finding(at, resource=resource,
                                    message=f"service {name!r} sets no user and runs the image built from "
                                            f"{dockerfile}, which runs as root")
            return  # the Dockerfile it builds decides, and it sets or steps down to another user
    known = image_user(run_as.get("image"))
    if known is not None and known.default in (Default.NONROOT, Default.DROPS):
        return  # the image runs as, or steps down to, a user of its own
    if known is not None:
        yield CHECK.finding(at, resource=resource,
                            message=f"service {name!r} sets no user: {known.note}")
        return
    yield CHECK.finding(at, resource=resource,
                        message=f"service {name!r} sets no user: the image decides, often root")
