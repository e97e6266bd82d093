"""Where a file is used: production, development, test, tooling or example.

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
4. path and name conventions (folders such as ``tests/``, ``e2e/``, ``.devcontainer/``,
   ``examples/``, ``docs/``, ``hack/``; names such as ``docker-compose.dev.yml``,
   ``Dockerfile.test``, ``.env.local``, ``compose.override.yaml``);
5. otherwise production.

A vendored upstream bundle (models/vendored.py) has the context ``vendored``: its
findings are the vendor's, dropped unless the ``auditor`` persona asks for everything (then
information only).

Findings outside production are lowered (:func:`lower`): never critical or high, and they
say which context and why.  The engine puts findings in context as the last step of the
pipeline (see ``engine.py``, ``pipeline.py``), so a context that changes (a compose file now builds that
Dockerfile) re-contexts the findings it touches.
"""

from __future__ import annotations

import enum
import posixpath
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable

from .api import Finding, Severity
from .models.topics import COMPOSE_SERVICE, WORKFLOW_IMAGE_BUILD

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config
    from .facts import RepoIndex


class Context(str, enum.Enum):
    PRODUCTION = "production"
    DEVELOPMENT = "development"
    TEST = "test"
    TOOLING = "tooling"
    EXAMPLE = "example"
    #: a vendored upstream bundle (models/vendored.py): the vendor's configuration, not the team's
    VENDORED = "vendored"


CONTEXT_NAMES = tuple(c.value for c in Context)


@dataclass(frozen=True)
class FileContext:
    context: Context
    #: why (empty for production by default): "in a tests/ folder", "built only by ..."
    reason: str = ""

    @property
    def production(self) -> bool:
        return self.context is Context.PRODUCTION


PRODUCTION = FileContext(Context.PRODUCTION)
#: the highest severity a finding keeps outside production
CEILING = Severity.MEDIUM
#: fact topics whose changes can move a file between contexts (how files are used)
TOPICS = (str(COMPOSE_SERVICE), str(WORKFLOW_IMAGE_BUILD))

#: folder names -> context
FOLDERS: dict[str, Context] = {
    **dict.fromkeys(("test", "tests", "testing", "testdata", "test-data", "test_data", "__tests__", "e2e",
                     "e2e-tests", "integration-tests", "integration_tests", "fixtures", "fixture", "cypress",
                     "playwright", "benchmark", "benchmarks", "bench", "perf", "loadtest", "load-tests"),
                    Context.TEST),
    **dict.fromkeys((".devcontainer", "devcontainer", "devcontainer-example", "dev", "development", "local",
                     "localdev", "local-dev"), Context.DEVELOPMENT),
    **dict.fromkeys(("hack", "tools", "tooling", "workstation", "workstations", "codegen", ".github"),
                    Context.TOOLING),
    **dict.fromkeys(("example", "examples", "sample", "samples", "demo", "demos", "docs", "doc",
                     "documentation", "tutorial", "tutorials", "quickstart", "quick-start"), Context.EXAMPLE),
}
#: qualifiers of conventional file names (``docker-compose.<q>.yml``, ``Dockerfile.<q>``,
#: ``.env.<q>``, ``values-<q>.yaml``) -> context; other names are not read word by word
#: (``local-path-provisioner.yaml`` is not a local file)
QUALIFIERS: dict[str, Context] = {
    **dict.fromkeys(("test", "tests", "testing", "e2e", "ci", "bench", "benchmark", "integration"), Context.TEST),
    **dict.fromkeys(("dev", "development", "local", "devcontainer", "override", "debug"), Context.DEVELOPMENT),
    **dict.fromkeys(("example", "examples", "sample", "samples", "demo", "template", "tmpl", "tpl"),
                    Context.EXAMPLE),
}
#: qualifiers that say production (``docker-compose.prod.yml``, ``compose.production.yaml``)
_PROD_WORDS = frozenset({"prod", "production", "prd", "live"})
_WORD_SPLIT = re.compile(r"[._\-]+")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.\-_].*)?\.ya?ml$", re.IGNORECASE)
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
        context = FOLDERS.get(folder.lower())
        if context is not None:
            return FileContext(context, f"in a {folder}/ folder")
    words = qualifiers(path)
    if _PROD_WORDS.intersection(words):
        return PRODUCTION
    for word in words:
        context = QUALIFIERS.get(word)
        if context is not None:
            if word == "override":
                if not _COMPOSE_NAME.match(parts[-1]):
                    continue
                return FileContext(context, "Compose's override file, meant for development")
            return FileContext(context, f"its name says {word!r}")
    return PRODUCTION


def configured(path: str, config: "Config | None") -> FileContext | None:
    """The context the configuration's ``[contexts]`` globs give the path, if any."""
    table = getattr(config, "contexts", None)
    if not table:
        return None
    for name, glob, spec in _matchers(config):
        if spec.match_file(path):
            return FileContext(Context(name), f"configured: [contexts] {name} = {glob!r}")
    return None


def _matchers(config: "Config") -> list:
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


def uses(index: "RepoIndex") -> Uses:
    builders: dict[str, list[tuple[str, str]]] = {}
    compose_files: dict[str, list[bool]] = {}
    for path, fact in index.facts(COMPOSE_SERVICE):
        files = fact.data.build_files
        if files:
            builders.setdefault(files[1], []).append((path, f"service {fact.key!r} of {path}"))
        run_as = dict(fact.data.run_as or ())
        compose_files.setdefault(path, []).append(bool(run_as.get("complete")))
    for path, fact in index.facts(WORKFLOW_IMAGE_BUILD):
        dockerfile = fact.data.dockerfile
        context = fact.data.context
        if not dockerfile and context is not None:
            dockerfile = posixpath.join(str(context), "Dockerfile")
        if dockerfile and "$" not in str(dockerfile):
            name = posixpath.normpath(str(dockerfile))
            verb = "builds and pushes" if fact.data.push else "builds"
            builders.setdefault(name, []).append((path, f"job {fact.data.job!r} of {path} {verb} it"))
    production: dict[str, list[str]] = {}
    for path, complete in compose_files.items():
        if _PROD_WORDS.intersection(qualifiers(path)) and complete and all(complete):
            production.setdefault(posixpath.dirname(path), []).append(path)
    return Uses(builders, production)


def context_of(path: str, config: "Config | None", used: Uses | None, bundle: Any = None) -> FileContext:
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
    if used is not None:
        builders = used.builders.get(path)
        if builders:
            contexts = []
            for user, how in builders:
                user_context = context_of(user, config, used) if not user.startswith(".github/") else PRODUCTION
                if user_context.production:
                    return PRODUCTION  # built for production wherever it lives
                contexts.append((user_context, how))
            first, how = contexts[0]
            return FileContext(first.context, f"built only by {how}, a {first.context.value} file")
        if _COMPOSE_NAME.match(posixpath.basename(path)) and not _PROD_WORDS.intersection(qualifiers(path)):
            siblings = [p for p in used.production_compose.get(posixpath.dirname(path), ()) if p != path]
            convention = by_convention(path)
            if siblings and convention.production:
                return FileContext(Context.DEVELOPMENT,
                                   f"{siblings[0]} beside it is the production compose file")
    return by_convention(path)


def lower(finding: Finding, where: FileContext) -> Finding:
    """The finding as seen in its file's context: a new value, never critical or high outside
    production; information only in a vendored bundle."""
    if where.production:
        return replace(finding)
    severity = finding.severity
    ceiling = Severity.INFO if where.context is Context.VENDORED else CEILING
    lowered = severity > ceiling
    if lowered:
        return replace(finding, severity=ceiling, context=where.context.value,
                       context_reason=f"{where.reason}; lowered from {severity.label}")
    return replace(finding, context=where.context.value, context_reason=where.reason)


def names() -> Iterable[str]:
    return CONTEXT_NAMES
