"""What several GitHub Actions repository checks need: which file of this repository a call reads.

A job may call a reusable workflow of its own repository by the repository's remote name
(``uses: owner/this-repo/.github/workflows/build.yml@main``) rather than ``./``: GitHub runs
the file at that ref, which is the file in this checkout when the ref is the branch scanned.
Such a call is read like a local one once the repository is known to be ``owner/this-repo``;
nothing is ever fetched.  How it is known, in order:

* a workflow here compares ``github.repository`` to that name (``if: github.repository ==
  'owner/this-repo'``, the usual guard against running in forks);
* the workflows name at least two paths of that repository remotely (reusable workflows,
  actions in sub-folders) and every one of them is in this checkout: a copy of one shared
  workflow is not enough, a repository that calls its own files by name is.
"""

from __future__ import annotations

from ..facts import RepoIndex
from ..models.topics import WORKFLOW, WORKFLOW_REUSABLE, WorkflowCallData, WorkflowReusableData

#: at least this many distinct remote paths of one repository, all present here, make it this one
_PATHS_NEEDED = 2


def _remote_names(index: RepoIndex) -> dict[str, tuple[bool, frozenset[str]]]:
    """owner/name -> (a workflow compares github.repository to it, the paths named remotely)."""
    compared: set[str] = set()
    paths: dict[str, set[str]] = {}
    for _path, fact in index.facts(WORKFLOW):
        compared.update(fact.data.repo_names or ())
        for ref in fact.data.remote_paths or ():
            owner, name, rest = (ref.split("/", 2) + ["", ""])[:3]
            if rest:
                paths.setdefault(f"{owner}/{name}", set()).add(rest)
    return {name: (name in compared, frozenset(paths.get(name, ()))) for name in compared | set(paths)}


def _present(index: RepoIndex, path: str) -> bool:
    """A remotely named path is in this checkout: a workflow file, or an action's folder."""
    if index.facts_in(WORKFLOW, path):
        return True
    return any(index.disk_file(f"{path}/{name}") for name in ("action.yml", "action.yaml"))


def this_repository(index: RepoIndex, name: str) -> str | None:
    """How ``name`` (``owner/repo``, lower case) is known to be the repository scanned; None: not known."""
    table = index.derived("gha:remote-names", (WORKFLOW,), _remote_names)
    compared, paths = table.get(name, (False, frozenset()))
    if compared:
        return f"a workflow here compares github.repository to {name!r}"
    if len(paths) >= _PATHS_NEEDED and all(_present(index, path) for path in sorted(paths)):
        return f"the workflows name {len(paths)} files of {name} remotely and all of them are in this repository"
    return None


def called_file(index: RepoIndex, call: WorkflowCallData) -> tuple[str, str] | None:
    """The repository file a call runs and, for a call by remote name, a note saying how it was
    known to be this repository's; None when the called file is not read here."""
    if call.target is not None:
        return call.target, ""
    if not call.remote or not call.remote_path:
        return None
    if not index.facts_in(WORKFLOW_REUSABLE, call.remote_path):
        return None  # not a reusable workflow of this checkout: nothing is claimed
    how = this_repository(index, call.remote)
    if how is None:
        return None
    return call.remote_path, (f"; {call.remote}/{call.remote_path}@{call.remote_ref} is this repository's own "
                              f"file ({how}): read here as a local reusable workflow, not fetched")


def called_reusable(index: RepoIndex, call: WorkflowCallData) -> tuple[str, str, WorkflowReusableData] | None:
    """(file, note, what it holds) of the reusable workflow of this repository a call runs (a
    ``./x.yml`` or this repository's own file called by its remote name, see :func:`called_file`);
    None when that file is not read here or is not a reusable workflow: nothing is claimed then."""
    found = called_file(index, call)
    if found is None:
        return None
    target, note = found
    called = index.facts_in(WORKFLOW_REUSABLE, target)
    if not called:
        return None
    return target, note, called[0].data
