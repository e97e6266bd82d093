"""What a folder's README and Ansible playbooks say about how files are used.

Facts for the context model (``checks/context.py``), read from files no domain audits:

* ``doc:readme`` (key: path) - a folder's ``README.md`` whose first heading calls the folder
  a demo, an example, a sample or a tutorial (``# Tracing & Logging Demo``), or whose lead
  declares it one as the repository's README would (``A microservices demo app``, ``This example
  demonstrates ...``, ``Demonstrates sync waves with hooks``); the repository's own README is not
  read for its title (a whole repository is not demoted on its title);
* ``doc:project`` (key: path) - the repository's own README when its lead (the first heading and
  the first paragraph) presents the whole repository as a sample, demo or tutorial application
  (``**Bank of X** is a sample HTTP-based web app that simulates a bank``), says the repository
  holds examples (``This repository contains example applications for demoing Argo CD``) or is made
  to illustrate (``..., a distributed system intended to illustrate OpenTelemetry``), its subject
  being the repository itself; a README that only mentions a demo (``try the live demo``, ``a demo
  instance``, ``a compose file for demo purposes``) or calls the project a reference architecture
  says nothing;
* ``doc:declared`` (key: path, emitted by ``checks/parse.py`` for every audited file) - a file
  whose leading comment declares it is for development, tests or a demo (``# This configuration
  file is for the development setup``, ``# For testing only``, ``# Not for production use``);
  a sentence that also speaks of production (``for development and production``), or denies
  it (``this is not a demo``), says nothing; or an env file that names its environment development,
  local or test (``_APP_ENV=development``, ``NODE_ENV=development``, ``RAILS_ENV=test``: emitted by
  ``models/envfile.py`` through :func:`declared_setting`), unless another such setting says production;
* ``doc:scale`` (key: path) - the repository's own README when its title (``# Khue's Homelab``,
  ``My Home Operations repository``) or lead (``... self-hosted services in my homelab``,
  ``Repository for home infrastructure``) declares the repository is a home lab or personal
  infrastructure; ``home`` in passing (``Home Assistant``, ``the home page``, ``a homelab dashboard``)
  says nothing;
* ``ansible:play`` (key: path) - an Ansible playbook: the roles its plays apply to the machine
  running it (``hosts: localhost``) and those they apply to inventory hosts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..textsafe import one_line
from .addresses import is_loopback
from .base import Fact
from .secrets import scrub
from .topics import (
    ANSIBLE_PLAY,
    DOC_BACKUP,
    DOC_DECLARED,
    DOC_PROJECT,
    DOC_README,
    DOC_SCALE,
    AnsiblePlayData,
    DocBackupData,
    DocDeclaredData,
    DocProjectData,
    DocReadmeData,
    DocScaleData,
)
from .yamlnodes import load_documents

__all__ = ["EXAMPLE_WORDS", "backup_doc_fact", "is_doc_page", "declared_fact", "declared_setting", "declared_use", "home_lab_lead", "is_folder_readme", "is_readme",
           "is_root_readme", "project_fact", "readme_fact", "is_playbook_name", "playbook_fact", "sample_lead",
           "scale_fact"]

#: words of a README's first heading that say its folder is not meant to run for real
EXAMPLE_WORDS = frozenset({"demo", "demos", "example", "examples", "sample", "samples", "tutorial",
                           "tutorials", "walkthrough", "walkthroughs", "playground"})
_README_NAMES = frozenset({"readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme"})


def is_folder_readme(rel: str) -> bool:
    return "/" in rel and rel.rsplit("/", 1)[-1].lower() in _README_NAMES


#: the repository's own README, read for its lead paragraph (Markdown or reST)
_ROOT_README_NAMES = frozenset({"readme.md", "readme.markdown", "readme.rst"})


def is_readme(rel: str) -> bool:
    """A folder's README or the repository's own (read for its lead, see :func:`project_fact`)."""
    return is_folder_readme(rel) or rel.lower() in _ROOT_README_NAMES


def first_heading(text: str) -> str:
    """The first heading of a Markdown/reST file (``# Title``, or a line underlined with = or -)."""
    lines = text.splitlines()[:40]
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("<!--", "[![", "![", "<img", "<p", "<div", "</")):
            continue
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if following and set(following) <= set("=-~^*"):
            return stripped
        return ""  # a paragraph first: no heading to read
    return ""


def readme_fact(rel: str, text: str) -> Fact | None:
    if "/" not in rel:
        return project_fact(rel, text)
    title = first_heading(text)
    words = re.findall(r"[a-z]+", title.lower())
    said = next((w for w in words if w in EXAMPLE_WORDS), None)
    local = local_run_heading(text)
    if said is None:
        testing = test_lead(text)
        if testing is not None:
            return Fact(DOC_README, rel, data=DocReadmeData(says="test", title=testing, local_run=local))
        found = sample_lead(text)  # no heading says so: the folder's lead paragraph may
        if found is None:
            return Fact(DOC_README, rel, data=DocReadmeData(local_run=local)) if local else None
        return Fact(DOC_README, rel, data=DocReadmeData(says=found[0], title=found[1], local_run=local))
    return Fact(DOC_README, rel, data=DocReadmeData(says=said, title=title[:80], local_run=local))


#: a section heading about running the code on a developer's machine (``Running the app locally``,
#: ``Local development``, ``Develop locally``); ``Deploying to production locally`` cannot be told
#: apart and is rare
_LOCAL_HEADING = re.compile(r"\b(?:run(?:ning)?\b.{0,40}\blocally|(?:local|developer)\s+(?:development|dev|setup|"
                            r"environment|loop)|develop(?:ing|ment)?\s+locally)\b", re.IGNORECASE)
#: ``docker compose up`` (or ``docker-compose up``) of the folder's own compose file: no ``-f`` naming another
_COMPOSE_UP = re.compile(r"^\s*(?:\$\s*)?(?:sudo\s+)?(?:docker\s+compose|docker-compose)\s+up\b(?!.*\s(?:-f|--file)\b)")


#: running the app from source beside the services compose brought up: a developer's loop
_FROM_SOURCE = re.compile(r"^\s*(?:\$\s*)?(?:(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:dev|start|serve)\b|go\s+run\b|"
                          r"cargo\s+run\b|flask\s+run\b|uvicorn\b|dotnet\s+run\b|mvn\s+spring-boot:run\b|"
                          r"\./gradlew\s+bootRun\b|(?:bundle\s+exec\s+)?rails\s+(?:s|server)\b|python3?\s+[\w./-]+\.py\b)")


def local_run_heading(text: str) -> str | None:
    """Why a folder's README shows its compose file is a developer's local loop: its ``docker
    compose up`` (no ``-f`` naming another file) is in a section on running locally (``## Running
    the app locally``, ``## Local development``), or is followed by running the app from source
    (``npm run dev``, ``go run .``) while the services run; None otherwise."""
    heading: tuple[int, str] | None = None
    compose_line: int | None = None
    for number, line in enumerate(text[:40_000].splitlines()[:800]):
        stripped = line.strip()
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            if heading is not None and level > heading[0]:
                continue  # a subsection of the local one
            title = _plain(stripped.lstrip("#").strip())
            local = _LOCAL_HEADING.search(title) and not re.search(r"\bproduction\b", title, re.IGNORECASE)
            heading = (level, title) if local else None
        elif _COMPOSE_UP.match(line):
            if heading is not None:
                return f"it brings the folder's compose file up under {_shown(heading[1])!r}"
            compose_line = number
        elif compose_line is not None and number - compose_line <= 40 and _FROM_SOURCE.match(line):
            return (f"it brings the folder's compose file up, then runs the app from source "
                    f"({_shown(stripped.lstrip('$ '))!r})")
    return None


def is_playbook_name(rel: str) -> bool:
    return rel.lower().endswith((".yml", ".yaml"))


def playbook_fact(rel: str, text: str) -> Fact | None:
    if "hosts:" not in text or "roles:" not in text:
        return None
    try:
        docs = load_documents(text)  # positioned and bounded (no alias bombs)
    except Exception:  # not YAML we can read: not a playbook we know
        return None
    data = docs[0].data if len(docs) == 1 else None
    if not isinstance(data, list) or not data or not all(isinstance(p, dict) and "hosts" in p for p in data):
        return None
    local: set[str] = set()
    remote: set[str] = set()
    for play in data:
        roles = _roles(play.get("roles"))
        hosts = {h.strip() for h in re.split(r"[,:]", str(play.get("hosts") or "")) if h.strip()}
        (local if hosts and all(is_loopback(h) for h in hosts) else remote).update(roles)
        if not roles and not (hosts and all(is_loopback(h) for h in hosts)):
            remote.add("")  # a play for inventory hosts (tasks only): the repository deploys elsewhere
    return Fact(ANSIBLE_PLAY, rel, data=AnsiblePlayData(local_roles=tuple(sorted(local)),
                                                        remote_roles=tuple(sorted(remote))))


def _roles(value: Any) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            out.append(item.strip())
        elif isinstance(item, dict):
            name = item.get("role") or item.get("name")
            if isinstance(name, str):
                out.append(name.strip())
    return [r.rsplit("/", 1)[-1] for r in out if r]


# -- the repository's README: a sample application? -------------------------------------------

#: words that say a whole repository is an application made to be shown, not run for real
#: ("reference" is left out: a reference architecture is meant to be deployed)
_SAMPLE = r"(?P<says>sample|demo|demonstration|example|tutorial|toy|showcase)"
_THING = (r"(?:app|apps|application|applications|project|repository|repo|microservices?|web\s?site|"
          r"website|store|shop|bank|system|stack)")
#: ``X is a sample HTTP-based web app``, ``this is a cloud-first microservices demo application``,
#: a paragraph opening ``A sample application for ...``
_SAMPLE_LEAD = re.compile(
    rf"(?:\b(?:is|as)\s+|^)an?\s+(?:[\w\-]+\s+){{0,4}}?{_SAMPLE}\s+(?:[\w\-]+\s+){{0,3}}?{_THING}\b")
#: links (their text kept), emphasis and tags; each scan stops at the next opener, so it stays linear
_MARKUP = re.compile(r"!?\[([^\][]*)\]\([^()\s]*\)|[*_`]+|<[^<>]*>")


def _plain(text: str) -> str:
    """Markdown prose without emphasis, links (their text kept) or HTML tags, on one line."""
    return re.sub(r"\s+", " ", _MARKUP.sub(lambda m: m.group(1) or "", text)).strip()


def lead_paragraph(text: str) -> str:
    """The first paragraph of prose of a README: badges, images, HTML comments, headings and
    tables skipped (a badge's link may wrap onto a second line)."""
    lines = _without_front_matter(text[:20_000].splitlines())[:80]
    paragraph: list[str] = []
    in_comment = False
    for line in lines:
        stripped = line.strip()
        if in_comment:
            in_comment = "-->" not in stripped
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        prose = bool(stripped) and not stripped.startswith(("#", "[!", "![", "<", ")", "|", "```", ">", "=", "-"))
        if prose and len(_plain(stripped).split()) >= 4:
            paragraph.append(stripped)
        elif paragraph:
            break
    return _plain(scrub(" ".join(paragraph)) or "")  # secrets scrubbed before markup goes (``ghp_...``)


def _without_front_matter(lines: list[str]) -> list[str]:
    """The lines after a YAML front matter block (``---`` ... ``---`` opening the file, as docs
    sites and sample galleries read it: ``page_type: sample``, ``description: ...``)."""
    if not lines or lines[0].strip() != "---":
        return lines
    for index, line in enumerate(lines[1:60], start=1):
        if line.strip() in ("---", "..."):
            return lines[index + 1:]
    return lines


#: the subject of a sentence when it is the repository or folder itself (``This repository``,
#: ``This example``, ``It``); a product (``Acme is a platform``) is never such a subject here
_SELF = r"(?:this|the)\s+(?:repository|repo|project|folder|directory|example|sample|demo|tutorial|walkthrough)"
#: other ways a lead declares its repository or folder is made to show something, each with its
#: subject the repository or folder (never a mention: ``try the live demo``, ``a demo instance``,
#: ``docker-compose for demo purposes``):
_DECLARED_LEADS = (
    # ``This repository contains example applications for demoing Argo CD``, ``This repo holds
    # several sample apps``, ``This folder contains examples``
    re.compile(rf"^{_SELF}\s+(?:contains|holds|hosts|provides|collects|includes|has|offers)\s+"
               r"(?:a\s+(?:set|collection|number|few|couple|series)\s+of\s+|several\s+|some\s+|various\s+|many\s+)?"
               rf"(?:(?:[\w\-]+\s+){{0,2}}?{_SAMPLE}\s+(?:[\w\-]+\s+){{0,2}}?{_THING}\b|(?:[\w\-]+\s+)?"
               r"(?P<plural>examples|samples|demos|tutorials)\b)"),
    # ``X is a collection of examples``, ``a set of sample apps``
    re.compile(r"^(?:[\w\-.]+\s+){1,4}?(?:is|are)\s+a\s+(?:collection|set|series|number)\s+of\s+(?:[\w\-]+\s+){0,2}?"
               r"(?P<plural>examples?|samples?|demos?|tutorials?)\b"),
    # ``This repository contains the Astronomy Shop, a system intended to illustrate OpenTelemetry``,
    # ``this project is meant to demonstrate``, ``This example demonstrates how to ...``
    re.compile(rf"^(?:{_SELF}|it)\b[^.;:]{{0,120}}?\b(?:(?:intended|meant|designed|built|created|made|written|here)"
               r"\s+(?:only\s+|solely\s+|purely\s+|primarily\s+)?(?:to|for)\s+|(?:is|are)\s+(?:for|to)\s+|"
               r"(?<=example )|(?<=sample )|(?<=demo )|(?<=tutorial )|(?<=application )|(?<=app ))"
               r"(?P<verb>illustrat(?:e|es|ing)|demonstrat(?:e|es|ing)|showcas(?:e|es|ing)|demo(?:s|ing)?)\b"),
    # a lead whose subject is the sample itself: ``This sample demo app consists of ...``, ``This demo
    # application shows ...`` (never where it runs: ``This demo app is hosted at ...``)
    re.compile(rf"^this\s+(?:[\w\-]+\s+){{0,2}}?{_SAMPLE}\s+(?:[\w\-]+\s+){{0,2}}?{_THING}\b"
               r"(?!\s+(?:is\s+|are\s+)?(?:(?:now\s+)?(?:available|hosted|running|live|deployed|reachable|online)|at)\b)"),
    # a lead that opens with what it shows: ``Demonstrates Argo CD sync waves with hooks``
    re.compile(r"^(?P<verb>demonstrates|illustrates|showcases)\s+(?:how\s+|the\s+|an?\s+)?[\w\-]"),
)
#: ``this demo instance``, ``this demo server``: a running thing the README points at, not what it is
_POINTER = re.compile(r"^this\s+demo\s+(?:instance|server|site|website|environment|link|video|account|page)\b")


#: a README title that names the repository a sample: ``Example Voting App``, ``Spring PetClinic
#: Sample Application``, ``Microservices Demo Store`` (the word and the thing both in the title;
#: never ``Demo`` alone or a product with a demo in it: ``Acme Demo Server``, ``Demo Days``)
_SAMPLE_TITLE = re.compile(
    rf"^(?:an?\s+)?(?:[\w\-]+\s+){{0,4}}?{_SAMPLE}\s+(?:[\w\-]+\s+){{0,2}}?{_THING}$")


def sample_lead(text: str) -> tuple[str, str] | None:
    """(word, sentence) when a README's title or lead presents its repository (or its folder, for a
    folder's README) as a sample or demo application, a collection of examples, or something made
    to illustrate or demonstrate (see :data:`_SAMPLE_TITLE` and :data:`_DECLARED_LEADS`)."""
    lead = lead_paragraph(text)
    for sentence in re.split(r"(?<=[.!?])\s+", lead)[:2]:
        lowered = sentence.lower()
        found = _SAMPLE_LEAD.search(lowered)
        if found is not None and not re.search(r"\b(?:not|never|isn't)\b", lowered[:found.start() + 3]):
            return found.group("says"), _shown(sentence)
        if _POINTER.match(lowered):
            continue
        for pattern in _DECLARED_LEADS:
            found = pattern.search(lowered)
            if found is not None and not _NEGATION.search(lowered[:found.end()]):
                groups = found.groupdict()
                named = (groups.get("says") or groups.get("plural") or "").rstrip("s")
                subject = lowered.split()[1] if lowered.startswith(("this ", "the ")) else ""
                return named or (subject if subject in EXAMPLE_WORDS else "demo"), _shown(sentence)
    title = " ".join(_plain(first_heading(text)).lower().split())
    titled = _SAMPLE_TITLE.match(title)
    if titled is not None:
        return titled.group("says"), _shown(first_heading(text))
    return None


#: a folder README's lead whose subject is the folder and which says what it holds is for tests:
#: ``This directory provides manifest templates to deploy test-ready backup targets``, ``This folder
#: contains fixtures used by the integration tests``
_TEST_LEAD = re.compile(
    rf"^{_SELF}\s+(?:contains|holds|hosts|provides|collects|includes|has|offers|is\s+used\s+by|is\s+for)\b"
    r"[^.;:]{0,100}?\b(?P<what>test-ready|for\s+(?:testing|tests|(?:the\s+)?(?:integration|e2e|end-to-end|unit|"
    r"acceptance|conformance|smoke)\s+tests?)|test\s+(?:fixtures|targets|environments?|data|setups?|clusters?)|"
    r"(?:used|run|started)\s+(?:by|in|from)\s+(?:the\s+)?(?:integration\s+|e2e\s+|end-to-end\s+|unit\s+)?tests?)\b")


def test_lead(text: str) -> str | None:
    """The sentence of a folder README's lead that says the folder holds things for tests, or None
    (never when the sentence also speaks of production)."""
    for sentence in re.split(r"(?<=[.!?])\s+", lead_paragraph(text))[:2]:
        lowered = sentence.lower()
        found = _TEST_LEAD.search(lowered)
        if found is not None and "production" not in lowered and not _NEGATION.search(lowered[:found.end()]):
            return _shown(sentence)
    return None


def project_fact(rel: str, text: str) -> Fact | None:
    found = sample_lead(text)
    if found is None:
        return None
    return Fact(DOC_PROJECT, rel, data=DocProjectData(says=found[0], phrase=found[1]))


# -- the repository's README: a home lab? ----------------------------------------------------------

_HOME = r"(?:home[\s-]?lab|home[\s-]?ops|home\s+operations|home\s+(?:infrastructure|cluster|kubernetes\s+cluster|network|servers?|setup|data\s?cent(?:er|re)))"
#: a short title that is the home lab's name: ``Khue's Homelab``, ``🪨 Homelab 🏡``, ``home-ops``,
#: ``My Home Operations repository`` (never ``Homer, a dashboard for your homelab``)
_HOME_TITLE = re.compile(rf"^(?:my\s+)?(?:[\w'’.\-]+\s+)?{_HOME}(?:\s+(?:repository|repo|cluster|config|configuration))?$")
#: a lead that says the repository is (the configuration of) its author's home lab
_HOME_LEADS = (
    # ``... self-hosted services in my homelab``, ``my home infrastructure``, ``our home lab``
    re.compile(rf"\b(?:my|our)\s+(?:own\s+|personal\s+|little\s+|small\s+)?{_HOME}\b"),
    # ``Repository for home infrastructure``, ``configuration for the home lab``
    re.compile(rf"^(?:this\s+)?(?:repository|repo|configuration|config|code|manifests|gitops\s+repository)\s+"
               rf"(?:for|of)\s+(?:the\s+|a\s+)?{_HOME}\b"),
    # ``K3S Kubernetes Cluster at home``, ``my personal infrastructure``
    re.compile(r"\b(?:kubernetes\s+)?(?:cluster|infrastructure|servers?)\s+at\s+home\b"),
    re.compile(r"\b(?:my|our)\s+personal\s+(?:infrastructure|cluster|servers?|cloud)\b"),
)


def is_root_readme(rel: str) -> bool:
    return rel.lower() in _ROOT_README_NAMES


def home_lab_lead(text: str) -> str | None:
    """The words of a repository README's title or lead that declare a home lab, or None."""
    title = first_heading(text)
    plain_title = re.sub(r"[^\w'’.\-\s]", " ", _plain(title)).strip().lower()
    plain_title = re.sub(r"\s+", " ", plain_title)
    if plain_title and _HOME_TITLE.match(plain_title):
        return _shown(_plain(title))
    lead = lead_paragraph(text)
    for sentence in re.split(r"(?<=[.!?])\s+", lead)[:3]:
        lowered = sentence.lower()
        for pattern in _HOME_LEADS:
            found = pattern.search(lowered)
            if found is not None and not _NEGATION.search(lowered[:found.end()]):
                return _shown(sentence)
    return None


def scale_fact(rel: str, text: str) -> Fact | None:
    found = home_lab_lead(text)
    if found is None:
        return None
    return Fact(DOC_SCALE, rel, data=DocScaleData(scale="home-lab", phrase=found))


# -- a file's leading comment: what it says it is for -------------------------------------------

_DEV = r"local\s+development|development|dev|developers?|local\s+use|local\s+testing"
_TEST = r"testing|tests?|e2e|end-to-end\s+tests?|integration\s+tests?|ci"
_EXAMPLE = r"demo|demos|demonstration|example|examples|sample|samples|tutorial|evaluation"
_WORD = rf"(?P<what>{_DEV}|{_TEST}|{_EXAMPLE})"
#: what a harness exercises: a piece of software, not an operation on a real resource
_SOFTWARE = (r"(?:utility|utilities|tool|tools|tooling|image|images|app|apps|application|applications|service|"
             r"services|cli|setup|installer|script|scripts|changes|build|builds|feature|features|code|library|"
             r"package|packages|plugin|plugins|integration|integrations|binary|binaries|container|containers)")
#: what may follow the word: the end of the clause or a noun it qualifies (``for the development
#: setup``), never an object (``for testing an upgrade`` of a real resource says nothing)
_TAIL = (r"(?=\s*(?:[.,;:!?()]|$|(?:setups?|environments?|envs?|stacks?|purposes?|only|use|usage|"
         r"configurations?|config|files?|compose|servers?|mode|builds?|images?|containers?|instances?|versions?|"
         r"machines?|workflows?|runs?|suites?|tests?|pipelines?|deployments?|clusters?|and|or)\b))")
#: ``this file is for the development setup``, ``it is meant only for testing``, ``this is a demo``,
#: ``used for local development``, ``for testing only``, ``development only``, ``only for demos``
_DECLARES = (
    re.compile(rf"\b(?:this|it|these)\b(?:\s+[\w\-]+){{0,4}}?\s+(?:is|are)\s+(?:(?:only|solely|just|purely|meant|"
               rf"intended|designed|used|provided|here|to\s+be\s+used)\s+)*(?:(?:for|as|in)\s+)?(?:an?\s+|the\s+)?"
               rf"(?:local\s+)?{_WORD}{_TAIL}"),
    re.compile(rf"\b(?:meant|intended|designed|used|provided)\s+(?:only\s+|solely\s+|just\s+)?(?:for|as|in)\s+"
               rf"(?:an?\s+|the\s+)?(?:local\s+)?{_WORD}{_TAIL}"),
    re.compile(rf"\b(?:for\s+)?(?:the\s+)?{_WORD}(?:\s+purposes)?[\s-]+only\b"),
    re.compile(rf"\bonly\s+for\s+(?:the\s+)?(?:local\s+)?{_WORD}{_TAIL}"),
    # a title: ``Compose file for local development``, ``Overrides for the e2e tests`` (a word before
    # it: ``For development, run make dev`` is an instruction, not a title)
    re.compile(rf"^(?:[\w\-./]+\s+){{1,5}}?for\s+(?:the\s+|an?\s+)?(?:local\s+)?{_WORD}{_TAIL}"),
    # a title that calls the file a test, example or development file: ``Test Compose File for Database
    # Detection Logic``, ``Example configuration file``, ``Local development values file`` (not ``Example
    # stack``: a stack shown as an example may be the one users deploy)
    re.compile(r"^(?:an?\s+)?(?:local\s+)?(?P<what>test|testing|example|sample|demo|development|dev|local\s+development)"
               r"\s+(?:[\w\-]+\s+){0,2}?files?\b"),
    # a harness: ``this file is used to test the setup utility``, ``used to try out the CLI``: the file
    # exists to exercise a piece of software (never ``to test an upgrade of the cluster``: an operation on
    # something real, nor ``to test and deploy``)
    re.compile(rf"(?:^|\b(?:this|it|these)\b(?:\s+[\w\-]+){{0,4}}?\s+(?:is|are)\s+)(?:only\s+|solely\s+|just\s+)?"
               rf"(?:used|meant|intended|designed|provided|here)\s+(?:only\s+|solely\s+)?to\s+"
               rf"(?P<what>test|try\s+out|demo|demonstrate)\s+(?:the\s+|an?\s+|our\s+|this\s+)?"
               rf"(?:(?!(?:and|or|then)\b)[\w\-./]+\s+){{0,3}}?{_SOFTWARE}\b"),
)
#: ``not for production``, ``do not use this in production``, ``not production-ready``
_NOT_PRODUCTION = re.compile(
    r"\b(?:not|never)\s+(?:be\s+)?(?:(?:meant|intended|designed|suitable|fit|ready|recommended|safe|supported|"
    r"to\s+be\s+used|used|for\s+use)\s+)?(?:for|in)\s+(?:an?\s+|the\s+)?production\b"
    r"|\bdo(?:\s+not|n't)\s+(?:use|run|deploy)\s+(?:(?:this|it|these)\s+)?(?:[\w\-]+\s+)?in\s+production\b"
    r"|\bnot\s+production[\s-]+(?:ready|grade)\b")
_NEGATION = re.compile(r"\b(?:not|never|isn't|aren't|no\s+longer)\b")


def _shown(sentence: str) -> str:
    """A sentence of a repository's file as it may be shown: one line, inert, short (its text was
    scrubbed of secrets before markup was taken out)."""
    return one_line(sentence[:120])


def _context_of_word(word: str) -> str:
    word = " ".join(word.split())
    if re.fullmatch(_DEV, word):
        return "development"
    if re.fullmatch(_TEST, word) or word in ("test", "try out"):
        return "test"
    return "example"  # demo, demonstrate, example...


def leading_comment(text: str, leaders: tuple[str, ...] = ("#",)) -> str:
    """The comment a file opens with (after a shebang, a YAML ``---`` or blank lines), as one line
    of prose: up to 15 lines, ending at the first line that is not a comment."""
    out: list[str] = []
    for index, line in enumerate(text[:8_000].splitlines()[:40]):
        stripped = line.strip()
        if (index == 0 and stripped.startswith("#!")) or stripped in ("", "---") and not out:
            continue
        leader = next((lead for lead in leaders if stripped.startswith(lead)), None)
        if leader is None or len(out) >= 15:
            break
        body = stripped[len(leader):].strip().lstrip("#/*").strip()
        if body.startswith("syntax=") or body.startswith(("auditui:", "hadolint", "checkov:", "yaml-language-server")):
            continue  # parser directives and markers, not prose
        out.append(body)
    return _comment_prose(" ".join(out)) if out else ""


@lru_cache(maxsize=2048)
def _comment_prose(joined: str) -> str:
    """A leading comment's lines, scrubbed and without markup (memoised: a licence header opens
    hundreds of files of one repository word for word)."""
    return _plain(scrub(joined) or "")


def declared_use(text: str, leaders: tuple[str, ...] = ("#",)) -> tuple[str, str] | None:
    """(context, sentence) when a file's leading comment declares it is for development, tests or a
    demo, or not for production; None when it says nothing (or also speaks of production)."""
    comment = leading_comment(text, leaders)
    if not comment:
        return None
    return _declaration(comment)


@lru_cache(maxsize=2048)
def _declaration(comment: str) -> tuple[str, str] | None:
    """What :func:`declared_use` answers for one leading comment (memoised, as its prose is)."""
    for sentence in re.split(r"(?<=[.!?;])\s+", comment)[:4]:
        lowered = sentence.lower()
        shown = _shown(sentence)
        if _NOT_PRODUCTION.search(lowered):
            return "development", shown
        if "production" in lowered or "prod " in f"{lowered} ":
            continue  # "for development and production", "for production use X": not a declaration
        for pattern in _DECLARES:
            found = pattern.search(lowered)
            if found is not None and not _NEGATION.search(lowered[:found.end()]):
                return _context_of_word(found.group("what")), shown
    return None


#: the names of settings that say which environment a set of variables is for: ``ENV``,
#: ``ENVIRONMENT``, ``NODE_ENV``, ``RAILS_ENV``, ``_APP_ENV``, ``ASPNETCORE_ENVIRONMENT``, ``APP_ENVIRONMENT``
_ENV_SETTING = re.compile(r"^(?:[A-Z0-9_]*_)?(?:ENV|ENVIRONMENT)$")
_SETTING_DEV = frozenset(("development", "dev", "local", "develop"))
_SETTING_TEST = frozenset(("test", "testing"))
_SETTING_PROD = frozenset(("production", "prod", "prd", "live", "staging", "stage"))


def declared_setting(pairs: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(context, setting) when a set of variables names its environment development, local or test
    (``_APP_ENV=development``); None when none does or another such setting names production or staging
    (the last assignment of each name counts)."""
    found: tuple[str, str] | None = None
    for name, value in dict(pairs).items():
        if not _ENV_SETTING.match(name):
            continue
        word = value.strip().strip("\"'").lower()
        if word in _SETTING_PROD:
            return None
        if found is None and (word in _SETTING_DEV or word in _SETTING_TEST):
            found = ("test" if word in _SETTING_TEST else "development", f"{name}={word}")
    return found


def declared_fact(rel: str, text: str, leaders: tuple[str, ...] = ("#",)) -> Fact | None:
    found = declared_use(text, leaders)
    if found is None:
        return None
    return Fact(DOC_DECLARED, rel, data=DocDeclaredData(context=found[0], phrase=found[1]))


# -- documentation pages: a documented backup procedure ------------------------------------------

#: folders that hold a project's documentation
_DOC_FOLDERS = frozenset(("doc", "docs", "documentation", "wiki", "guide", "guides", "manual", "handbook", "runbooks"))
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc")
#: a heading whose subject is backups: a few words at most, the backup word among them
_BACKUP_HEADING_RE = re.compile(
    r"^(?:[^\s]+\s+){0,3}(?:backups?|backing\s+up|back\s+up|data\s+and\s+backups?)\b(?:\s+[^\s]+){0,3}\s*$",
    re.IGNORECASE)
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,4}\s+(.{1,120}?)\s*#*\s*$")
_MARKUP_RE = re.compile(r"[`*_\[\]]|\(http[^)]*\)")


def is_doc_page(rel: str) -> bool:
    """A documentation page: Markdown, reST or AsciiDoc under a documentation folder, or named for
    backups (``BACKUP.md``); READMEs are read by :func:`readme_fact`."""
    lower = rel.lower()
    if not lower.endswith(_DOC_SUFFIXES) or is_readme(rel):
        return False
    parts = lower.split("/")
    return "backup" in parts[-1] or any(part in _DOC_FOLDERS for part in parts[:-1])


def backup_doc_fact(rel: str, text: str) -> Fact | None:
    """``doc:backup`` for a page with a section about backups (its first such heading)."""
    if "ackup" not in text and "ACKUP" not in text and "acking up" not in text and "ack up" not in text:
        return None
    lines = text.splitlines()
    for number, line in enumerate(lines[:5000], 1):
        heading = None
        match = _MARKDOWN_HEADING_RE.match(line)
        if match is not None:
            heading = match.group(1)
        elif number < len(lines) and line.strip() and re.fullmatch(r"(=+|-+|~+)", lines[number].strip() or "x") \
                and len(lines[number].strip()) >= 3:
            heading = line.strip()  # reST or setext: the line under it is a row of = - ~
        if heading is None:
            continue
        plain = " ".join(_MARKUP_RE.sub("", heading).replace(":", " ").split())
        if _BACKUP_HEADING_RE.match(plain):
            return Fact(DOC_BACKUP, rel, number, data=DocBackupData(heading=plain[:80]))
    return None

