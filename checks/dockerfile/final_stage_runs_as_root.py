from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.compose import builds_by_dockerfile
from ..models.topics import COMPOSE_SERVICE, DOCKER_FILE, SHELL_PRIVDROP
from ..models.users import Level, judge_image, scripts_that_step_down

CHECK = Check(
    code="DKR001",
    name="final-stage-runs-as-root",
    title="Image runs as root (final stage sets no non-root USER)",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Without a USER instruction, or when the last USER is root or uid 0, the container's "
        "process runs as root. Any code-execution bug then has root inside the container, "
        "can rewrite the image's files and is one kernel or runtime flaw away from root on "
        "the node; policies such as Kubernetes `runAsNonRoot` also refuse to start it. "
        "Only the final stage matters: build stages may run as root. "
        "Severity: a hardening gap, medium, as K8S010 rates a pod that may run as root and as the "
        "references do (hadolint DL3002 is a warning; CIS Docker 4.1 a Level 1 recommendation; "
        "the Pod Security Standards require non-root only in their Restricted, hardening, profile, "
        "not in Baseline). What turns root into a way out of the container (privileged mode, the "
        "Docker socket, host namespaces or mounts) is runtime configuration a Dockerfile cannot "
        "show; auditui reports it where it is set, at its own severity. So this check is never "
        "high, explicit `USER root` included. "
        "Low when root is only possible or only the first step: a final stage built on an "
        "application image (rather than an OS or language base), which may set a non-root user "
        "this file cannot see; a stage that installs a privilege-dropping tool (gosu, su-exec, "
        "setpriv) without showing where it is used; an entrypoint of the repository that runs the "
        "program with gosu, su-exec, s6-setuidgid, setpriv, chroot, runuser or chpst; a daemon "
        "started with a flag naming its run user (`rspamd -u _rspamd`, `gunicorn --user app`, "
        "`dhcpd -user dhcpd`); a daemon that drops by design (postfix and dovecot masters, sshd, "
        "dnsmasq, unbound, squid, exim) as the ENTRYPOINT/CMD, a supervisord program or a script "
        "a supervisor runs; a daemon configuration the image copies in that names its run user "
        "(clamd.conf `User`, unbound.conf `username:`, nginx.conf `user`, a supervisord "
        "program's `user=`); and a web server whose master process only binds ports (nginx, httpd, php-fpm). "
        "Images that step down themselves are not reported: an official database image "
        "(postgres, mysql, redis...) whose entrypoint is kept, and a base that runs as a non-root "
        "user (Bitnami, distroless `:nonroot`, Chainguard)."
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
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ),
    peers=("hadolint DL3002", "checkov CKV_DOCKER_3", "checkov CKV_DOCKER_8"),
    options={"nonroot_images": []},
)

#: root for certain is a hardening gap (medium); root that is only possible, or only the first
#: step before the program steps down, is a low note (see the rationale)
_SEVERITY = {Level.CERTAIN: Severity.MEDIUM, Level.LIKELY: Severity.LOW, Level.HEDGED: Severity.LOW}


def drop_scripts(index: RepoIndex) -> dict[str, tuple[str, int]]:
    """Scripts of the repository that run a program as another user: path -> (tool, line)."""
    return scripts_that_step_down(index.facts(SHELL_PRIVDROP))


def compose_builds(index: RepoIndex) -> dict[str, list[tuple[str, str]]]:
    return builds_by_dockerfile(index.facts(COMPOSE_SERVICE))


@CHECK.on_each(DOCKER_FILE)
def final_stage_runs_as_root(path: str, fact, index: RepoIndex, ctx=None) -> Iterator[Finding]:
    packed = fact.data.run_as
    if not packed:
        return
    run_as = dict(packed)
    extra = ctx.option("nonroot_images") if ctx is not None else []
    scripts = index.derived("users:privdrop", ("shell:privdrop",), drop_scripts)
    contexts = [context for context, _ in index.derived("compose:builds", ("compose:service",), compose_builds)
                .get(path, ())] or [posixpath.dirname(path)]
    verdict = min((judge_image(run_as, scripts, context, tuple(extra) if isinstance(extra, list) else (),
                               ) for context in contexts), key=lambda v: v.level)
    if verdict.level is Level.NONE:
        return
    if verdict.at == "user":
        line, ypath, evidence = run_as["user_line"], run_as["user_ypath"], f"USER {run_as['user_args']}"
    else:
        line, ypath, evidence = run_as["from_line"], run_as["from_ypath"], f"FROM {run_as['from_args']}"
    yield CHECK.finding(Pos(line, line, tuple(ypath), path=path), resource=run_as["resource"],
                        message=verdict.message, evidence=evidence, severity=_SEVERITY[verdict.level])
