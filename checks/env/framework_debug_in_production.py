"""ENV007: a web framework's debug mode switched on in an env file that declares production."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..context import by_convention
from ..facts import RepoIndex
from ..models.topics import COMPOSE_SERVICE, ENV_KEY
from .shared import compose_users

CHECK = Check(
    code="ENV007",
    name="framework-debug-in-production",
    title="Framework debug mode on in a production env file",
    severity=Severity.HIGH,
    category=Category.CONFIGURATION,
    rationale=(
        "`APP_DEBUG=true` with `APP_ENV=production` (Laravel, Symfony), `DEBUG=True` with a production "
        "`DJANGO_SETTINGS_MODULE`, or `FLASK_DEBUG=1` in production turns every error into a page that "
        "shows the stack, the settings and often the whole environment: database and mail passwords, "
        "the application key. A shipped env file that says production and debug at once deploys that "
        "to every install that keeps it. High when a compose service that loads the file is published "
        "(or served by a published proxy that depends on it), medium when nothing published serves it "
        "or nothing in the repository loads it. Example, test and development files are not reported."
    ),
    remediation=(
        "Set the debug switch off (`APP_DEBUG=false`, `DEBUG=False`) in every file that says production.",
        "Turn debug on only in a development env file that is never deployed.",
        "Rotate what an error page may already have shown (database password, application key) if it ran exposed.",
    ),
    effort="15m",
    references=(
        "https://laravel.com/docs/configuration#debug-mode",
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
        "https://flask.palletsprojects.com/en/stable/config/#DEBUG",
    ),
)


def _severity(published: bool, fronted: str, where: str) -> tuple[Severity, str]:
    if published:
        return Severity.HIGH, f"; {where} publishes a port beyond this host"
    if fronted:
        return Severity.HIGH, (f"; the published service {fronted!r} depends on {where} "
                               f"(a proxy in front serves its error pages)")
    return Severity.MEDIUM, ""


@CHECK.on_each(ENV_KEY, COMPOSE_SERVICE)
def framework_debug_in_production(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    found = fact.data.debug_in_production
    if not found or getattr(fact.data, "example", False):
        return
    if not by_convention(path).production:
        return  # a development, test or example file may debug on purpose
    name = path.rsplit("/", 1)[-1]
    if fact.topic == COMPOSE_SERVICE:
        key, framework, marker, line, ypath, exposed, fronted = found
        severity, how = _severity(bool(exposed), fronted, f"service {fact.key!r}")
        if severity is Severity.MEDIUM:
            how = f"; service {fact.key!r} publishes no port and nothing published depends on it"
        yield CHECK.finding(
            Pos(line, line, tuple(ypath), path=path), resource=f"service/{fact.key}", severity=severity,
            message=(f"service {fact.key!r} sets {key} on, switching {framework} debug mode on beside "
                     f"{marker}: error pages show settings and environment (passwords, the application key){how}"),
            evidence=f"{key} on, {marker}",
        )
        return
    framework, marker = found
    users = compose_users(index, path, fact.key)
    published = [who for reach, who in users if reach.exposed]
    fronted = [(reach.fronted, who) for reach, who in users if reach.fronted and not reach.exposed]
    if published:
        severity, how = Severity.HIGH, f"; {published[0]} loads it and publishes a port beyond this host"
    elif fronted:
        severity, how = Severity.HIGH, (f"; {fronted[0][1]} loads it and the published service {fronted[0][0]!r} "
                                        f"depends on it (a proxy in front serves its error pages)")
    elif users:
        severity, how = Severity.MEDIUM, f"; {users[0][1]} loads it and nothing published serves it"
    else:
        severity, how = Severity.MEDIUM, "; nothing in this repository shows what serves it"
    yield CHECK.finding(
        Pos(fact.line, fact.line, ("env", fact.key), path=path), resource=f"env/{fact.key}", severity=severity,
        message=(f"{fact.key} switches {framework} debug mode on in {name}, which also sets {marker}: "
                 f"error pages show settings and environment (passwords, the application key){how}"),
        evidence=f"{fact.key} on, {marker}",
    )
