"""Where a file is used: production, staging, development, test, tooling, example or build.

Not every file of a repository runs in production: dev containers, test and e2e folders,
``docker-compose.test.yml``, tooling and code-generation images, ``examples/`` and docs.
Every file gets a :class:`FileContext`, decided in this order:

1. the configuration (``[contexts]``: a context name -> gitignore-style globs) always wins;
2. ``.github/workflows/`` files are production (CI is how code reaches production);
3. how the file is used: a Dockerfile built by a production compose file or pushed by a
   workflow is production wherever it lives, one built only by development or test compose
   files takes their context; a plain ``docker-compose.yml`` beside a production compose file
   that stands on its own (``docker-compose.prod.yml`` whose services define ``image`` or
   ``build``) is the development one;
   a Dockerfile whose name says ``base``/``builder``/``build`` that no compose service builds
   is ``build``: an image others start ``FROM``, whose runtime findings do not apply; one
   whose image is only ever run once (``docker run --rm`` in a script, an init container, a
   Job; models/image_uses.py) and does not serve is ``tooling``, runtime findings lowered;
   a compose file of data stores only, published on loopback only and keeping no data, is
   ``development``; a manifest whose every workload is named as a staging one is ``staging``;
   a compose or env file in a CI system's folder (``.ci/``, ``.circleci/``...) is ``test``, and so is a
   compose file (not of compose's default name) built from the repository that only CI jobs start on
   hosted runners, none of them a deployment (``docker compose -f docker-compose.build.yml up``); a file
   whose leading comment declares development, test or demo use (``# for the development
   setup``, ``# not for production``, ``# Test compose file for ...``) takes that context, as does an
   env file whose settings name a development or test environment (``_APP_ENV=development``); a folder whose README's first
   heading says demo/example/sample, or whose lead declares a demo (``A microservices demo app``,
   ``This example demonstrates ...``), is ``example``, and so is every file of a repository whose
   own README's lead presents it as a sample application or a collection of examples, or says it is
   made to illustrate; an Ansible role's files applied only
   to localhost (other plays deploying elsewhere) are ``tooling`` (models/usage_docs.py);
4. path and name conventions (folders such as ``tests/``, ``e2e/``, ``.devcontainer/``,
   ``examples/``, ``docs/``, ``hack/``, ``contrib/``, ``kind/``, or whose last word says so: ``app_dev/``,
   ``api-test/``; names such as ``docker-compose.dev.yml``, ``Dockerfile.test``, ``.env.local``,
   ``compose.override.yaml``, ``kind-values.yaml`` (a local kind cluster), ``docker-compose.windows.yml``
   (Docker Desktop on a workstation); any file whose name's first or last word is ``test``/``tests``
   or ``kind``: ``test-database-detection.yaml``, ``smoke-test.sh``);
5. otherwise production.

A GitOps file that no entry point of the repository deploys (an app left out of the overlay
that lists its peers, a ``.archive/`` folder; models/k8s/reachability.py) is ``undeployed``,
decided after the configuration and vendored bundles.  A GitOps file that only the entry points of
non-production environments deploy (models/k8s/environments.py: ``clusters/sbox``, ``overlays/dev``
over shared bases) is ``staging``: its image version medium at most, the rest at most high.

A YAML file under a Helm chart's ``files/`` folder is ``vendored`` too: Helm renders only the chart's
``templates/``, which load it with ``.Files.Get`` as a base they may patch; only a secret in it keeps
its severity.  A vendored upstream bundle (models/vendored.py) has the context ``vendored``: its
findings are the vendor's, dropped unless the ``auditor`` persona asks for everything (then
information only).

Findings outside production are lowered (:func:`lower`): never critical or high, and they
say which context and why; a context with ``lowers`` (``build``) lowers only those categories
(what a running service does) and says why the others still apply.  The engine puts findings in context as the last step of the
pipeline (see ``engine.py``, ``pipeline.py``), so a context that changes (a compose file now builds that
Dockerfile) re-contexts the findings it touches.
"""

from __future__ import annotations

import enum
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .api import Category, Finding, Severity
from .classify import is_dockerfile_name
from .models.image_uses import repository
from .models.k8s import environments, reachability
from .models.topics import (
    ANSIBLE_PLAY,
    COMPOSE_SERVICE,
    DOC_DECLARED,
    DOC_PROJECT,
    DOC_README,
    DOCKER_FILE,
    HELM_CHART,
    IMAGE_USE,
    WORKFLOW_COMPOSE_UP,
    WORKFLOW_IMAGE_BUILD,
    WORKLOAD_IMAGE,
)
from .pipeline import evolve

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config
    from .facts import RepoIndex


class Context(str, enum.Enum):
    PRODUCTION = "production"
    DEVELOPMENT = "development"
    TEST = "test"
    TOOLING = "tooling"
    EXAMPLE = "example"
    #: an image only built on (a base or builder image): what it runs at build time matters,
    #: how it would run as a service does not
    BUILD = "build"
    #: pre-production (a staging or release-test deployment): audited in full, except that the
    #: image it runs follows the newest build on purpose
    STAGING = "staging"
    #: a vendored upstream bundle (models/vendored.py): the vendor's configuration, not the team's
    VENDORED = "vendored"
    #: a GitOps file no entry point deploys (models/k8s/reachability.py): a retired or left-out app
    UNDEPLOYED = "undeployed"


CONTEXT_NAMES = tuple(c.value for c in Context)


#: the categories of findings about a long-running service (how it runs, stays up, is watched,
#: reached and kept): they do not apply to an image only built on, or only run once on demand
RUNTIME = frozenset({
    Category.RUNTIME_HARDENING, Category.RELIABILITY, Category.MONITORING, Category.ALERTING,
    Category.RESOURCES, Category.DEPLOYMENT, Category.DATABASE_HA, Category.BACKUP_DR,
    Category.NETWORK_POLICY, Category.TLS,
})


#: the checks about which image version runs: a staging deployment tracks the newest build on purpose
IMAGE_VERSION = frozenset({
    "container-image-floating-tag", "container-image-not-pinned", "floating-image-tag",
    "image-not-pinned-by-digest", "values-floating-image-tag", "kustomize-image-override-floating",
})
#: words that say staging: a folder (``overlays/staging/``), a conventional name's qualifier
#: (``values-staging.yaml``, ``docker-compose.stg.yml``) or the last word of every workload's
#: name in a manifest (``worker-releasetest``, ``api-preprod``)
STAGING_WORDS = frozenset({"staging", "stg", "preprod", "pre-prod", "uat", "releasetest"})


_LOWERS: dict = {}  # filled below: the categories a context names in the configuration lowers


@dataclass(frozen=True)
class FileContext:
    context: Context
    #: why (empty for production by default): "in a tests/ folder", "built only by ..."
    reason: str = ""
    #: the categories (or check names) of findings this context lowers; None: every finding (a
    #: test or example file), :data:`RUNTIME` for an image only built on or run once (its
    #: secrets and supply chain still count in full), :data:`IMAGE_VERSION` for staging
    lowers: frozenset | None = None
    #: the highest severity the findings it does not lower keep (None: they keep theirs)
    cap: Severity | None = None

    @property
    def production(self) -> bool:
        return self.context is Context.PRODUCTION


PRODUCTION = FileContext(Context.PRODUCTION)
#: what an undeployed file's context lowers: everything but a committed secret, which is exposed
#: to whoever reads the repository whether or not anything deploys it
UNDEPLOYED_LOWERS = frozenset(c for c in Category if c is not Category.SECRETS)
_LOWERS.update({Context.BUILD: RUNTIME, Context.STAGING: IMAGE_VERSION, Context.UNDEPLOYED: UNDEPLOYED_LOWERS})
#: the highest severity a finding keeps outside production
CEILING = Severity.MEDIUM
#: fact topics whose changes can move a file between contexts (how files are used)
TOPICS = (str(COMPOSE_SERVICE), str(WORKFLOW_IMAGE_BUILD), str(WORKFLOW_COMPOSE_UP), str(IMAGE_USE), str(WORKLOAD_IMAGE), str(DOCKER_FILE),
          str(DOC_README), str(ANSIBLE_PLAY), str(DOC_DECLARED), str(DOC_PROJECT), str(HELM_CHART)) + reachability.TOPICS

#: folder names -> context
FOLDERS: dict[str, Context] = {
    **dict.fromkeys(("test", "tests", "testing", "testdata", "test-data", "test_data", "__tests__", "e2e",
                     "e2e-tests", "integration-tests", "integration_tests", "fixtures", "fixture", "cypress",
                     "playwright", "benchmark", "benchmarks", "bench", "perf", "loadtest", "load-tests"),
                    Context.TEST),
    **dict.fromkeys((".devcontainer", "devcontainer", "devcontainer-example", "dev", "development", "local",
                     "localdev", "local-dev", "devenv", "dev-env", "dev_env", "debug", "kind"), Context.DEVELOPMENT),
    # contrib/: extras contributed beside the product (debug pods, helper scripts, packer images), not
    # its supported deployment
    **dict.fromkeys(("hack", "tools", "tooling", "workstation", "workstations", "codegen", ".github", "contrib"),
                    Context.TOOLING),
    **dict.fromkeys(("example", "examples", "sample", "samples", "demo", "demos", "docs", "doc",
                     "documentation", "tutorial", "tutorials", "walkthrough", "walkthroughs", "quickstart", "quick-start"),
                    Context.EXAMPLE),
}
#: qualifiers of conventional file names (``docker-compose.<q>.yml``, ``Dockerfile.<q>``,
#: ``.env.<q>``, ``values-<q>.yaml``) -> context; other names are not read word by word
#: (``local-path-provisioner.yaml`` is not a local file)
QUALIFIERS: dict[str, Context] = {
    **dict.fromkeys(("test", "tests", "testing", "e2e", "ci", "bench", "benchmark", "integration"), Context.TEST),
    # kind: a local Kubernetes-in-Docker cluster (``kind-values.yaml``, ``values-kind.yaml``)
    **dict.fromkeys(("dev", "development", "local", "devcontainer", "override", "debug", "kind"), Context.DEVELOPMENT),
    **dict.fromkeys(("example", "examples", "sample", "samples", "demo", "template", "tmpl", "tpl"),
                    Context.EXAMPLE),
}
#: qualifiers of a compose file's name that say a workstation's Docker Desktop
#: (``docker-compose.windows.yml``, ``compose.docker-desktop.yaml``): a desktop install, not a server.
#: Compose files only: ``Dockerfile.windows`` builds a Windows image, ``windows.yaml`` may be a VM template
DESKTOP_QUALIFIERS = frozenset({"windows", "desktop", "macos", "mac", "osx", "wsl", "wsl2"})
#: the first or last word of any file's name (its extension left out) that names its context:
#: ``test-database-detection.yaml``, ``smoke_test.sh``, ``kind-cluster.yaml``; never a word inside
#: (``latest``, ``contest``, ``kindle``) nor ``testing`` (``allow-hostpath-mw-parsoid-testing.yaml`` is
#: a production policy for a testing namespace)
NAME_STEMS: dict[str, Context] = {
    **dict.fromkeys(("test", "tests"), Context.TEST),
    "kind": Context.DEVELOPMENT,
}
#: the last word of a folder name that names its context (``discourse_dev/``, ``app-test/``,
#: ``otel-demo/``): the folder's words split on ``_ - .``, so ``devops/``, ``device/``,
#: ``latest/`` and ``contest/`` say nothing, nor does a first word (``test-runner/``)
FOLDER_SUFFIXES: dict[str, Context] = {
    **dict.fromkeys(("test", "tests", "testing", "e2e"), Context.TEST),
    **dict.fromkeys(("dev", "devel", "development"), Context.DEVELOPMENT),
    **dict.fromkeys(("example", "examples", "sample", "samples", "demo", "demos"), Context.EXAMPLE),
}
#: folders of CI systems (``.ci/``, ``.circleci/``, ``.buildkite/``...): a compose or env file there
#: is a stack CI brings up to test, not deployed; pipelines and scripts there stay production (they
#: deliver it), as do Dockerfiles a workflow pushes from there. A plain ``ci/`` is left out: a
#: self-hosted stack may keep its CI server's compose file there
CI_SYSTEM_FOLDERS = frozenset({".ci", ".circleci", ".buildkite", ".woodpecker", ".drone", ".gitlab",
                               ".gitlab-ci", ".travis", ".tekton", ".concourse", ".azure-pipelines", ".jenkins",
                               ".semaphore", ".cirrus", ".buildkite-agent"})
#: qualifiers that say production (``docker-compose.prod.yml``, ``compose.production.yaml``)
_PROD_WORDS = frozenset({"prod", "production", "prd", "live"})
_WORD_SPLIT = re.compile(r"[._\-]+")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.\-_].*)?\.ya?ml$", re.IGNORECASE)
#: the names ``docker compose up`` reads without ``-f``
_DEFAULT_COMPOSE_NAMES = frozenset({"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"})
#: conventional base names whose other words qualify them
_BASES = ("docker-compose", "compose", "dockerfile", "containerfile", "env", "values")
#: folders under ``.github/`` that hold what CI runs (production of the delivery pipeline)
_CI_FOLDERS = (".github/workflows/", ".github/actions/")


def name_words(path: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(posixpath.basename(path).lower()) if w]


def qualifiers(path: str) -> list[str]:
    """The words that qualify a conventional name: ``dev`` of ``docker-compose.dev.yml``,
    ``Dockerfile.dev``, ``dev.Dockerfile``, ``.env.dev``, ``values-dev.yaml``; none otherwise."""
    name = posixpath.basename(path).lower()
    stem = re.sub(r"\.ya?ml$", "", name)
    if stem in ("docker-compose", "compose"):
        return []
    for base in _BASES:
        if base == "env" and not (stem.startswith(".env") or stem.endswith(".env")):
            continue
        for pattern in (f"^\\.?{re.escape(base)}[.\\-_](.+)$", f"^(.+)[.\\-_]{re.escape(base)}$"):
            match = re.match(pattern, stem)
            if match:
                return [w for w in _WORD_SPLIT.split(match.group(1)) if w]
    return []


def by_convention(path: str) -> FileContext:
    """The context path and name conventions give (production when they say nothing)."""
    if path.startswith(_CI_FOLDERS):
        return PRODUCTION
    parts = path.split("/")
    for folder in parts[:-1]:
        if folder.lower() in STAGING_WORDS:
            return FileContext(Context.STAGING, f"in a {folder}/ folder", IMAGE_VERSION)
        context = FOLDERS.get(folder.lower())
        if context is not None:
            return FileContext(context, f"in a {folder}/ folder")
        words = [w for w in _WORD_SPLIT.split(folder.lower()) if w]
        context = FOLDER_SUFFIXES.get(words[-1]) if len(words) > 1 else None
        if context is not None:
            return FileContext(context, f"in {folder}/, a folder whose name ends in {words[-1]!r}")
    words = qualifiers(path)
    if _PROD_WORDS.intersection(words):
        return PRODUCTION
    staging = STAGING_WORDS.intersection(words)
    if staging:
        return FileContext(Context.STAGING, f"its name says {sorted(staging)[0]!r}", IMAGE_VERSION)
    for word in words:
        context = QUALIFIERS.get(word)
        if context is not None:
            if word == "override":
                if not _COMPOSE_NAME.match(parts[-1]):
                    continue
                return FileContext(context, "Compose's override file, meant for development")
            if word == "kind":
                return FileContext(context, "its name says 'kind': a local Kubernetes-in-Docker cluster")
            return FileContext(context, f"its name says {word!r}")
    if _COMPOSE_NAME.match(parts[-1]):
        desktop = DESKTOP_QUALIFIERS.intersection(words)
        if desktop:
            return FileContext(Context.DEVELOPMENT, f"its name says {sorted(desktop)[0]!r}: Docker Desktop on a "
                               "workstation, not a server")
    return _by_stem(parts[-1], words)


def _by_stem(name: str, qualifying: list[str]) -> FileContext:
    """The context the first or last word of a file's name gives (:data:`NAME_STEMS`), when it is not a
    conventional name's qualifier that said nothing (``values-live.yaml`` is read above)."""
    if qualifying:
        return PRODUCTION
    stem = name.lower()
    if "." in stem.lstrip("."):
        stem = stem.lstrip(".").rsplit(".", 1)[0]
    words = [w for w in _WORD_SPLIT.split(stem) if w]
    for word in (words[:1] + words[-1:]) if words else ():
        context = NAME_STEMS.get(word)
        if context is not None:
            what = "a local Kubernetes-in-Docker cluster" if word == "kind" else "a test file"
            return FileContext(context, f"its name says {word!r}: {what}")
    return PRODUCTION


def configured(path: str, config: Config | None) -> FileContext | None:
    """The context the configuration's ``[contexts]`` globs give the path, if any."""
    if config is None or not config.contexts:
        return None
    for name, glob, spec in _matchers(config):
        if spec.match_file(path):
            context = Context(name)
            return FileContext(context, f"configured: [contexts] {name} = {glob!r}",
                               _LOWERS.get(context))
    return None


def _matchers(config: Config) -> list:
    cached = config.__dict__.get("_context_matchers")
    if cached is None:
        import pathspec

        cached = [(name, glob, pathspec.GitIgnoreSpec.from_lines([glob]))
                  for name, globs in config.contexts.items() for glob in globs]
        config.__dict__["_context_matchers"] = cached
    return cached


# -- how files are used -------------------------------------------------------------------

@dataclass(frozen=True)
class Uses:
    """What the repository says about how files are used (built from facts, see :func:`uses`)."""

    #: Dockerfile -> [(user file, how)]: compose files and workflows that build it
    builders: dict
    #: folder -> production compose files in it that stand on their own
    production_compose: dict
    #: Dockerfile -> image repositories it is built as (compose ``image`` + ``build``, a
    #: workflow's ``tags``, a script's ``docker build -t``)
    names: dict = field(default_factory=dict)
    #: image repository -> [(how, once)]: every known run of it (a compose service, a
    #: Kubernetes container, a script's ``docker run``); ``once``: run on demand and removed,
    #: an init container or a Job
    runs: dict = field(default_factory=dict)
    #: Dockerfiles that say they serve (``EXPOSE`` or ``HEALTHCHECK``)
    serving: frozenset = frozenset()
    #: manifest -> why it is a staging deployment (every workload's name ends in a staging word)
    staging: dict = field(default_factory=dict)
    #: compose file -> why it is for local development (only data stores, each published on
    #: the loopback interface only, none keeping its data in a volume or bind mount)
    backing: dict = field(default_factory=dict)
    #: folder -> (word, heading) of its README that calls it a demo, example...
    readmes: dict = field(default_factory=dict)
    #: Ansible role -> playbook that applies it only to the machine running the playbook, when
    #: other plays of the repository deploy to inventory hosts
    local_roles: dict = field(default_factory=dict)
    #: file -> (context, sentence, source) its leading comment declares (``# for the development setup``), or
    #: (context, setting, "setting") an env file's setting (``_APP_ENV=development``)
    declared: dict = field(default_factory=dict)
    #: (README, word, sentence) when the repository's README presents it as a sample application
    project: tuple | None = None
    #: compose files (any name)
    compose_files: frozenset = frozenset()
    #: GitOps file -> why no entry point of the repository deploys it (models/k8s/reachability.py)
    undeployed: dict = field(default_factory=dict)
    #: which GitOps entry points (of which environments) deploy each file (models/k8s/environments.py)
    environments: environments.Environments | None = None
    #: folder -> (its README, why it shows the folder's compose file is a developer's local loop)
    local_runs: dict = field(default_factory=dict)
    #: compose file -> [(workflow, job, deploys, hosted)]: the workflow jobs that start it on their runner
    ci_starts: dict = field(default_factory=dict)
    #: compose files with a service built from the repository (``build:``)
    builds_here: frozenset = frozenset()
    #: the folders of the repository's Helm charts (their ``Chart.yaml``)
    charts: frozenset = frozenset()


def uses(index: RepoIndex) -> Uses:
    builders: dict[str, list[tuple[str, str]]] = {}
    compose_files: dict[str, list[bool]] = {}
    names: dict[str, set[str]] = {}
    runs: dict[str, list[tuple[str, bool]]] = {}
    builds_here: set[str] = set()
    for path, fact in index.facts(COMPOSE_SERVICE):
        files = fact.data.build_files
        if fact.data.build or files:
            builds_here.add(path)
        image = repository(fact.data.image or "")
        if files:
            builders.setdefault(files[1], []).append((path, f"service {fact.key!r} of {path}"))
            if image:
                names.setdefault(files[1], set()).add(image)
        if image:
            runs.setdefault(image, []).append((f"service {fact.key!r} of {path}", False))
        run_as = dict(fact.data.run_as or ())
        compose_files.setdefault(path, []).append(bool(run_as.get("complete")))
    for path, build in index.facts(WORKFLOW_IMAGE_BUILD):
        dockerfile = build.data.dockerfile
        context = build.data.context
        if not dockerfile and context is not None:
            dockerfile = posixpath.join(str(context), "Dockerfile")
        if dockerfile and "$" not in str(dockerfile):
            name = posixpath.normpath(str(dockerfile))
            verb = "builds and pushes" if build.data.push else "builds"
            builders.setdefault(name, []).append((path, f"job {build.data.job!r} of {path} {verb} it"))
            names.setdefault(name, set()).update(filter(None, map(repository, build.data.tags or ())))
    for path, use in index.facts(IMAGE_USE):
        image = repository(use.data.image or "")
        if not image:
            continue
        if use.data.verb == "build":
            for dockerfile in _script_dockerfiles(path, use.data.context, use.data.dockerfile):
                names.setdefault(dockerfile, set()).add(image)
        elif by_convention(path).production or by_convention(path).context is Context.TOOLING:
            # a test or example script running an image (a smoke test) says nothing of its use
            how = f"'docker run --rm' in {path}" if use.data.once else f"'docker run' in {path}"
            runs.setdefault(image, []).append((how, bool(use.data.once)))
    for path, container in index.facts(WORKLOAD_IMAGE):
        image = repository(container.data.image or "")
        resource = str(container.data.resource or "")
        if image and not container.data.patch:
            once = bool(container.data.init) or resource.split("/", 1)[0] == "Job"
            role = "init container" if container.data.init else "container"
            runs.setdefault(image, []).append((f"{role} of {resource.split('/container/')[0]} in {path}", once))
    serving = frozenset(path for path, fact in index.facts(DOCKER_FILE) if fact.data.exposes or fact.data.healthcheck)
    production: dict[str, list[str]] = {}
    for path, complete in compose_files.items():
        if _PROD_WORDS.intersection(qualifiers(path)) and complete and all(complete):
            production.setdefault(posixpath.dirname(path), []).append(path)
    readmes = {posixpath.dirname(path): (fact.data.says, fact.data.title) for path, fact in index.facts(DOC_README)
               if fact.data.says}
    local_runs = {posixpath.dirname(path): (path, fact.data.local_run) for path, fact in index.facts(DOC_README)
                  if fact.data.local_run}
    local: dict[str, str] = {}
    remote: set[str] = set()
    for path, play in index.facts(ANSIBLE_PLAY):
        remote.update(play.data.remote_roles or ())
        for role in play.data.local_roles or ():
            local.setdefault(role, path)
    local_roles = {role: book for role, book in local.items() if role not in remote} if remote else {}
    declared = {path: (fact.data.context, fact.data.phrase, fact.data.source) for path, fact in index.facts(DOC_DECLARED)}
    project = next(((path, fact.data.says, fact.data.phrase) for path, fact in sorted(index.facts(DOC_PROJECT),
                                                                                       key=lambda pf: pf[0])), None)
    ci_starts: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for path, start in index.facts(WORKFLOW_COMPOSE_UP):
        if start.data.file:
            ci_starts.setdefault(start.data.file, []).append(
                (path, str(start.data.job), bool(start.data.deploys), bool(start.data.hosted)))
    reach = index.derived("gitops:reach", reachability.TOPICS, reachability.reachability)
    deployed_to = index.derived("gitops:environments", reachability.TOPICS, environments.environments)
    return Uses(builders, production, {k: frozenset(v) for k, v in names.items()}, runs, serving,
                _staging_manifests(index), _backing_services(index), readmes, local_roles, declared, project,
                frozenset(compose_files), {**deployed_to.undeployed, **reach.undeployed}, deployed_to, local_runs,
                ci_starts, frozenset(builds_here), frozenset(path.rsplit("/", 1)[0] if "/" in path else ""
                                                             for path, _ in index.facts(HELM_CHART)))


def _staging_manifests(index: RepoIndex) -> dict[str, str]:
    workloads: dict[str, set[str]] = {}
    for path, fact in index.facts(WORKLOAD_IMAGE):
        if fact.data.patch:
            continue
        parts = str(fact.data.resource or "").split("/")
        if len(parts) >= 2:
            workloads.setdefault(path, set()).add(parts[1].lower())
    out = {}
    for path, found in workloads.items():
        words = {name: _without_version([w for w in re.split(r"[-_.]+", name) if w]) for name in found}
        if words and all(w and w[-1] in STAGING_WORDS for w in words.values()):
            first = sorted(found)[0]
            out[path] = (f"every workload here is named as a staging deployment ({first}"
                         f"{' and more' if len(found) > 1 else ''})")
    return out


def _ci_stack(path: str, used: Uses) -> FileContext | None:
    """The ``test`` context of a compose or env file in a CI system's folder (``.ci/compose.e2e.yaml``):
    a stack CI brings up on its runner to test, never deployed."""
    folder = next((f for f in path.split("/")[:-1] if f.lower() in CI_SYSTEM_FOLDERS), None)
    if folder is None:
        return None
    name = posixpath.basename(path).lower()
    if path in used.compose_files or _COMPOSE_NAME.match(name) or name.startswith(".env") or name.endswith(".env"):
        return FileContext(Context.TEST, f"in {folder}/, a CI system's folder: a stack CI brings up to test, "
                           "not a deployment")
    return None


def _ci_started(path: str, used: Uses) -> FileContext | None:
    """The ``test`` context of a compose file that builds its services from the repository and that
    only CI jobs start, each on a fresh hosted runner and none of them a deployment
    (``docker compose -f docker-compose.build.yml up`` in a test job): the stack CI tests, not one
    that is deployed. A file with compose's default name (``docker-compose.yml``) is what a plain
    ``docker compose up`` runs, anywhere: CI starting it says nothing of where else it runs."""
    starts = used.ci_starts.get(path)
    if not starts or path not in used.builds_here or posixpath.basename(path).lower() in _DEFAULT_COMPOSE_NAMES:
        return None
    if not all(hosted and not deploys for _, _, deploys, hosted in starts):
        return None
    workflow, job, _, _ = starts[0]
    more = f" and {len(starts) - 1} more" if len(starts) > 1 else ""
    return FileContext(Context.TEST, f"started only by CI on hosted runners (job {job!r} of {workflow}{more}, "
                       "which deploys nothing) and built from the repository: the stack CI tests, not a deployment")


def _nonproduction_environments(path: str, config: Config | None, used: Uses) -> FileContext | None:
    """The ``staging`` context of a file only non-production environments' GitOps entry points deploy
    (models/k8s/environments.py): the image it runs may follow the newest build, and what else it
    does is at most high (a shared non-production cluster still matters, it stops no release)."""
    convention = by_convention(path)
    if used.environments is None or not (convention.production or convention.context is Context.STAGING):
        return None
    production, nonproduction = environment_words(config)
    why = environments.nonproduction_only(used.environments, path, production, nonproduction)
    if why is None:
        return None
    return FileContext(Context.STAGING, why, IMAGE_VERSION, cap=Severity.HIGH)


def environment_words(config: Config | None) -> tuple[frozenset, frozenset]:
    """(production, non-production) environment names: the well-known ones and the configuration's
    ``[environments]`` (a name configured as production is never non-production)."""
    if config is None or not config.environments:
        return environments.PRODUCTION_WORDS, environments.NONPRODUCTION_WORDS
    production = environments.PRODUCTION_WORDS | {w.lower() for w in config.environments.get("production", ())}
    nonproduction = (environments.NONPRODUCTION_WORDS
                     | {w.lower() for w in config.environments.get("nonproduction", ())}) - production
    return frozenset(production), frozenset(nonproduction)


def _chart_file(path: str, used: Uses) -> FileContext | None:
    """The ``vendored`` context of a manifest under a Helm chart's ``files/`` folder: Helm renders only the
    chart's ``templates/``, where a template loads the file with ``.Files.Get``/``.Files.Glob`` as a base it
    may patch (the image from values, a namespace) before rendering; it is never applied as written. A
    secret in it still counts (it ends up in the rendered object as it is)."""
    if not path.endswith((".yaml", ".yml")):
        return None
    for chart in used.charts:
        files = f"{chart}/files/" if chart else "files/"
        if path.startswith(files):
            return FileContext(Context.VENDORED, f"under the Helm chart {chart or '.'}'s files/ folder: Helm renders only "
                               "templates/, whose templates load it with .Files.Get as a base they may patch; it is "
                               "not applied as written", UNDEPLOYED_LOWERS)
    return None


def _declared(path: str, used: Uses) -> FileContext | None:
    found = used.declared.get(path)
    if found is None:
        return None
    context, sentence, source = found
    if source == "setting":
        return FileContext(Context(context), f"it sets {sentence}: the {context} environment's settings")
    return FileContext(Context(context), f"its leading comment says so ({sentence!r})")


def _sample_repository(used: Uses) -> FileContext | None:
    if used.project is None:
        return None
    readme, word, sentence = used.project
    return FileContext(Context.EXAMPLE, f"{readme} presents the repository as {_article(word)} {word} application "
                       f"({sentence!r}); list the files to audit as production under [contexts] production")


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _local_role(path: str, used: Uses) -> FileContext | None:
    """A file of an Ansible role (``roles/<role>/files/``, ``templates/``) that playbooks apply
    only to the machine running them (``hosts: localhost``), while other plays deploy to
    inventory hosts: a helper on the operator's workstation."""
    parts = path.split("/")
    for index in range(len(parts) - 3):
        if parts[index] == "roles" and parts[index + 2] in ("files", "templates"):
            book = used.local_roles.get(parts[index + 1])
            if book is not None:
                return FileContext(Context.TOOLING, f"Ansible role {parts[index + 1]!r} is applied only to localhost "
                                   f"(the machine running {book}), while other plays deploy to inventory hosts")
    return None


def _without_version(words: list[str]) -> list[str]:
    """A name's words without a trailing version (``worker-staging-v2``, ``api-stg-2``)."""
    while len(words) > 1 and re.fullmatch(r"v?\d+", words[-1]):
        words = words[:-1]
    return words


def _backing_services(index: RepoIndex) -> dict[str, str]:
    services: dict[str, list] = {}
    for path, fact in index.facts(COMPOSE_SERVICE):
        services.setdefault(path, []).append(fact.data)
    out = {}
    for path, found in services.items():
        if all(d.store and not d.build and not d.mounts and d.published and not any(every for _, every in d.published)
               for d in found):
            stores = ", ".join(sorted({str(d.store[0]) for d in found}))
            out[path] = (f"only data stores ({stores}), published on the loopback interface only and keeping no "
                         "data in a volume: backing services for local development")
    return out


def _script_dockerfiles(script: str, context: str | None, dockerfile: str | None) -> list[str]:
    """The Dockerfiles a script's ``docker build`` may mean: its paths read from the
    repository's root and from the script's folder (where it runs from is not written)."""
    if context is None or "$" in context:
        return []
    out = []
    for base in ("", posixpath.dirname(script)):
        folder = posixpath.normpath(posixpath.join(base, context))
        name = posixpath.normpath(posixpath.join(base, dockerfile)) if dockerfile else posixpath.join(folder, "Dockerfile")
        if not name.startswith("..") and "$" not in name:
            out.append(name.lstrip("./") if name.startswith("./") else name)
    return out


def run_once_only(path: str, used: Uses) -> FileContext | None:
    """The ``tooling`` context of a Dockerfile whose image is only ever run once, on demand:
    every known run of it is a ``docker run --rm`` of a script, an init container or a Job,
    and it does not serve (no ``EXPOSE``, no ``HEALTHCHECK``).  Its image is named by what
    builds it or, when nothing does, by its folder (``images/tool/`` is ``org/tool`` or
    ``org/app-tool``, an image with a namespace)."""
    if not is_dockerfile_name(path) or path in used.serving:
        return None
    names = used.names.get(path)
    if not names and not used.builders.get(path):
        folder = posixpath.basename(posixpath.dirname(path)).lower()
        names = frozenset(image for image in used.runs if folder and "/" in image and (
            image.rsplit("/", 1)[-1] == folder or image.rsplit("/", 1)[-1].endswith(f"-{folder}")))
    if not names:
        return None
    seen = [(image, how, once) for image in sorted(names) for how, once in used.runs.get(image, ())]
    if not seen or not all(once for _, _, once in seen):
        return None
    image, how, _ = seen[0]
    more = f" and {len(seen) - 1} more" if len(seen) > 1 else ""
    return FileContext(Context.TOOLING, f"its image {image} is only run once, on demand ({how}{more}), "
                       "never as a long-running service", RUNTIME)


def context_of(path: str, config: Config | None, used: Uses | None, bundle: Any = None) -> FileContext:
    """The context of one file (see the module docstring for the order of the rules);
    ``bundle``: the file's ``vendored:file`` data when it is a vendored upstream bundle."""
    found = configured(path, config)
    if found is not None:
        return found
    if bundle is not None:
        named = f"{bundle.component} {bundle.version or ''}".strip()
        return FileContext(Context.VENDORED, f"vendored {named} ({bundle.reason}), not this repository's configuration")
    if path.startswith(_CI_FOLDERS) or path == ".":
        return PRODUCTION
    if used is not None and path in used.undeployed:
        return FileContext(Context.UNDEPLOYED, used.undeployed[path], UNDEPLOYED_LOWERS)
    chart_file = _chart_file(path, used) if used is not None else None
    if chart_file is not None:
        return chart_file
    if used is not None and used.environments is not None and path in used.environments.reached_by:
        found = _nonproduction_environments(path, config, used)
        if found is not None:
            return found
    builders = used.builders.get(path) if used is not None else None
    if by_convention(path).production:  # a tests/ folder still says test
        built_on = built_on_only(path, builders or ())
        if built_on is None and used is not None and not any(not u.startswith(".github/") for u, _ in builders or ()):
            built_on = run_once_only(path, used)  # a compose service that builds it runs it
        if built_on is not None:
            return built_on
    if used is not None:
        if builders:
            contexts = []
            for user, how in builders:
                user_context = context_of(user, config, used) if not user.startswith(".github/") else PRODUCTION
                if user_context.production:
                    return PRODUCTION  # built for production wherever it lives
                contexts.append((user_context, how))
            first, how = contexts[0]
            return FileContext(first.context, f"built only by {how}, "
                               f"{_article(first.context.value)} {first.context.value} file")
        if _COMPOSE_NAME.match(posixpath.basename(path)) and not _PROD_WORDS.intersection(qualifiers(path)):
            siblings = [p for p in used.production_compose.get(posixpath.dirname(path), ()) if p != path]
            convention = by_convention(path)
            if siblings and convention.production:
                return FileContext(Context.DEVELOPMENT,
                                   f"{siblings[0]} beside it is the production compose file")
        convention = by_convention(path)
        if convention.production and not _PROD_WORDS.intersection(qualifiers(path)):
            for rule in (_ci_stack, _ci_started, _declared):
                found = rule(path, used)
                if found is not None:
                    return found
            if path in used.backing:
                return FileContext(Context.DEVELOPMENT, used.backing[path])
            if path in used.staging:
                return FileContext(Context.STAGING, used.staging[path], IMAGE_VERSION)
            workstation = _local_role(path, used)
            if workstation is not None:
                return workstation
            local = used.local_runs.get(posixpath.dirname(path))
            if local is not None and posixpath.basename(path).lower() in _DEFAULT_COMPOSE_NAMES:
                return FileContext(Context.DEVELOPMENT, f"{local[0]} shows a developer's local loop: {local[1]}")
            folder = posixpath.dirname(path)
            while folder and folder not in used.readmes:
                folder = posixpath.dirname(folder)
            if folder:
                word, title = used.readmes[folder]
                if word == "test":
                    return FileContext(Context.TEST, f"{folder}/README.md says it holds things for tests ({title!r})")
                return FileContext(Context.EXAMPLE, f"{folder}/README.md calls it {_article(word)} {word} ({title!r})")
            sample = _sample_repository(used)
            if sample is not None:
                return sample
        return convention
    return by_convention(path)


#: words of a Dockerfile's name that say its image is built on, not run (``Dockerfile.base``,
#: ``build-base.Dockerfile``, ``Dockerfile.builder``)
_BUILD_WORDS = ("base", "builder", "build")


def built_on_only(path: str, builders: Iterable[tuple[str, str]]) -> FileContext | None:
    """The ``build`` context of a Dockerfile whose name says it is a base or builder image, when
    nothing runs it: no compose service builds it (a workflow may push a base image for other
    Dockerfiles to start ``FROM``; one named only ``build`` must not be built by anything)."""
    if not is_dockerfile_name(path):
        return None
    words = qualifiers(path)
    word = next((w for w in _BUILD_WORDS if w in words), None)
    if word is None or _PROD_WORDS.intersection(words):
        return None
    builders = list(builders)
    if any(not user.startswith(".github/") for user, _ in builders):
        return None  # a compose service builds it: it runs
    if builders and word == "build":
        return None
    pushed = f" ({builders[0][1]} for other images to build on)" if builders else ""
    return FileContext(Context.BUILD, f"its name says {word!r}: an image built on, not run as a service{pushed}",
                       RUNTIME)


def lower(finding: Finding, where: FileContext) -> Finding:
    """The finding as seen in its file's context: a new value, never critical or high outside
    production; information only in a vendored bundle."""
    if where.production:
        return evolve(finding)
    severity = finding.severity
    if where.lowers is not None and finding.check.category not in where.lowers and finding.name not in where.lowers:
        if where.cap is not None and severity > where.cap:
            return evolve(finding, severity=where.cap, context=where.context.value,
                          context_reason=f"{where.reason}; lowered from {severity.label}, not a release stopper "
                                         "outside production")
        still = "it still applies" if where.context is Context.STAGING else \
            f"a {finding.check.category.value} finding still applies"
        return evolve(finding, context=where.context.value, context_reason=f"{where.reason}; {still}")
    ceiling = Severity.INFO if where.context is Context.VENDORED else CEILING
    lowered = severity > ceiling
    if lowered:
        return evolve(finding, severity=ceiling, context=where.context.value,
                       context_reason=f"{where.reason}; lowered from {severity.label}")
    return evolve(finding, context=where.context.value, context_reason=where.reason)


def names() -> Iterable[str]:
    return CONTEXT_NAMES
