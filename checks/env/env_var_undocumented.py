"""ENV003: a variable the code reads that no env file, example or manifest mentions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.base import Fact, FileKind
from ..models.topics import CODE_ENV_READ, COMPOSE_SERVICE, ENV_KEY, WORKLOAD_ENV, WORKLOAD_ENV_FROM, CodeEnvReadData

CHECK = Check(
    code="ENV003",
    name="env-var-undocumented",
    title="Code reads an environment variable nobody documents",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "The application requires this variable (it is read without a default), but no "
        "example env file, env file or compose service sets or documents it: a new "
        "environment finds out at start-up, or at the first request that needs it. Reads "
        "with a default (`os.getenv('X', 'd')`, `process.env.X || 'd'`), test code and "
        "variables set by the platform (HOME, PORT, CI, GITHUB_*, AWS_REGION, ...) are not "
        "reported, and the check stays quiet in repositories with no env files at all."
    ),
    remediation=(
        "Add the variable to the example env file with a placeholder and a comment saying what it is for.",
        "Or give it a sensible default in code if it is optional.",
    ),
    effort="15m",
    references=("https://12factor.net/config",),
)

#: variables the OS, the runtime, CI or the hosting platform provide
_PLATFORM = frozenset((
    "HOME", "PATH", "USER", "USERNAME", "LOGNAME", "PWD", "SHELL", "TERM", "LANG", "LC_ALL", "TZ", "HOSTNAME",
    "TMPDIR", "TEMP", "TMP", "EDITOR", "PAGER", "CI", "NODE_ENV", "PORT", "HOST", "DEBUG", "PYTHONPATH",
    "VIRTUAL_ENV", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "DYNO", "K_SERVICE", "K_REVISION",
    "K_CONFIGURATION", "APPDATA", "LOCALAPPDATA", "USERPROFILE", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE", "GOOGLE_CLOUD_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS", "POD_NAME", "POD_NAMESPACE",
    "NODE_NAME", "POD_IP", "WEBSITE_SITE_NAME", "VERCEL", "NETLIFY", "RENDER", "LOG_LEVEL",
))
_PLATFORM_PREFIX = re.compile(
    r"^(GITHUB_|RUNNER_|GITLAB_|CI_|CIRCLE|BUILDKITE|TRAVIS|JENKINS_|BUILD_|AWS_|AMAZON_|LAMBDA_|ECS_|XDG_|npm_|"
    r"VERCEL_|NETLIFY_|HEROKU_|FLY_|RENDER_|RAILWAY_|FUNCTIONS_|AZURE_FUNCTIONS|WEBSITE_|PYTEST|PYTHON|NODE_|"
    r"JAVA_|GO(PATH|ROOT|OS|ARCH|FLAGS|MAXPROCS|DEBUG|CACHE|PROXY|PRIVATE|TOOLCHAIN)$|CARGO_|RUST_|VITE_USER_|ELECTRON_|LC_|SSH_|DOCKER_|COMPOSE_|KUBE|HELM_|TERRAFORM_|TF_|OTEL_|"
    r"DD_|NEW_RELIC_|SENTRY_ENVIRONMENT|SENTRY_RELEASE)"
)
_TEST_WORDS = {"test", "tests", "testing", "spec", "specs", "__tests__", "e2e", "fixtures", "fixture", "examples",
               "example", "docs", "doc", "scripts", "tools", "benchmarks", "bench", "conftest", "mocks", "__mocks__"}


def _is_test_path(path: str) -> bool:
    words = set(re.split(r"[/._\-]+", path.lower()))
    return bool(words & _TEST_WORDS) or path.rsplit("/", 1)[-1].lower().startswith("test")


_DOCUMENTING_TOPICS = ("env:key", "compose:service", "workload:env")


def _documented(index: RepoIndex) -> frozenset[str]:
    names = {fact.key for _, fact in index.facts(ENV_KEY)}
    for _, fact in index.facts(COMPOSE_SERVICE):
        names.update(str(n) for n in (fact.data.env or ()))
    names.update(fact.key for _, fact in index.facts(WORKLOAD_ENV))
    return frozenset(names)


def documented_names(index: RepoIndex) -> frozenset[str] | None:
    """Every variable some env file, compose service or manifest sets; None if unknowable.

    Cached until one of the documenting topics changes, so a change elsewhere costs nothing.
    """
    if index.has(WORKLOAD_ENV_FROM):
        return None  # a workload takes its env from a ConfigMap/Secret we may not see: stay quiet
    return index.derived("ENV003:documented", _DOCUMENTING_TOPICS, _documented)


@CHECK.on_repo
def env_var_undocumented(index: RepoIndex) -> Iterator[Finding]:
    if not index.has(CODE_ENV_READ) or not index.has_kind(FileKind.ENV):
        return
    documented = documented_names(index)
    if documented is None:
        return
    first: dict[str, tuple[str, Fact[CodeEnvReadData]]] = {}
    optional: set[str] = set()
    for path, fact in index.facts(CODE_ENV_READ):
        name = fact.key
        if fact.data.default:
            optional.add(name)
            continue
        if _is_test_path(path):
            continue
        first.setdefault(name, (path, fact))
    for name, (path, fact) in sorted(first.items()):
        if name in documented or name in optional or name in _PLATFORM or _PLATFORM_PREFIX.match(name):
            continue
        yield CHECK.finding(
            Pos(fact.line, fact.line, ("env-read", name), path=path),
            resource=f"env/{name}",
            message=f"{name} is read without a default but no example env file, env file or compose service documents it",
        )
