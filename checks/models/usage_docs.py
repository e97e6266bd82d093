"""What a folder's README and Ansible playbooks say about how files are used.

Facts for the context model (``checks/context.py``), read from files no domain audits:

* ``doc:readme`` (key: path) - a folder's ``README.md`` whose first heading calls the folder
  a demo, an example, a sample or a tutorial (``# Tracing & Logging Demo``); the repository's
  own README is not read (a whole repository is not demoted on its title);
* ``ansible:play`` (key: path) - an Ansible playbook: the roles its plays apply to the machine
  running it (``hosts: localhost``) and those they apply to inventory hosts.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Fact
from .topics import ANSIBLE_PLAY, DOC_README, AnsiblePlayData, DocReadmeData
from .yamlnodes import load_documents

__all__ = ["EXAMPLE_WORDS", "is_folder_readme", "readme_fact", "is_playbook_name", "playbook_fact"]

#: words of a README's first heading that say its folder is not meant to run for real
EXAMPLE_WORDS = frozenset({"demo", "demos", "example", "examples", "sample", "samples", "tutorial",
                           "tutorials", "playground"})
_README_NAMES = frozenset({"readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_folder_readme(rel: str) -> bool:
    return "/" in rel and rel.rsplit("/", 1)[-1].lower() in _README_NAMES


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
    title = first_heading(text)
    words = re.findall(r"[a-z]+", title.lower())
    said = next((w for w in words if w in EXAMPLE_WORDS), None)
    if said is None:
        return None
    return Fact(DOC_README, rel, data=DocReadmeData(says=said, title=title[:80]))


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
        (local if hosts and hosts <= _LOCAL_HOSTS else remote).update(roles)
        if not roles and not (hosts and hosts <= _LOCAL_HOSTS):
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
