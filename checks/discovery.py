"""Finding the files to audit: ignore rules, links, size and binary limits.

* ``.gitignore`` files (the root's and nested ones) are honoured with ``pathspec``'s
  git-compatible matcher run by RE2 (:mod:`globs`: linear time whatever a line says),
  plus :data:`DEFAULT_EXCLUDES` and the user's ``exclude``.  A line the matcher refuses
  is left out with a notice, as git leaves it out.
* Symbolic links are never followed out of the root; linked directories are not
  descended into at all (which also makes link loops harmless); a linked file whose
  target lies inside the root is read like any other file.
* Files over :data:`MAX_BYTES` and files with NUL bytes are skipped with a notice.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import globs, safeio
from .parse import is_candidate

DEFAULT_EXCLUDES = (
    ".git", "node_modules", ".venv", "venv", "vendor", "dist", "build", "__pycache__",
    ".terraform", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea", ".auditui",
)
MAX_BYTES = 2 * 1024 * 1024
#: a .gitignore larger than this is not read (real ones are a few KiB)
MAX_IGNORE_BYTES = 1024 * 1024


@dataclass
class Notice:
    """Something the user should know about a file we did not (fully) audit."""

    path: str
    message: str
    kind: str = "skipped"

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message, "kind": self.kind}


@dataclass
class Walk:
    files: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class IgnoreRules:
    """Decides whether a repository-relative path is excluded from the audit."""

    def __init__(self, root: Path, extra: Iterable[str] = ()) -> None:
        self.root = root
        extra = list(extra)
        self.extra = globs.gitignore_spec(extra) if extra else None
        self._specs: dict[str, globs.IgnoreSpec | None] = {}

    def problems(self) -> list[Notice]:
        """Notices for the lines of the ``.gitignore`` files read so far that were left out."""
        out: list[Notice] = []
        for rel_dir, spec in sorted(self._specs.items()):
            if spec is not None:
                name = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
                out.extend(Notice(name, f"{problem} (git ignores it too)", "warning") for problem in spec.problems)
        if self.extra is not None:
            out.extend(Notice(".", f"exclude pattern {problem}", "warning") for problem in self.extra.problems)
        return out

    def _spec_for(self, rel_dir: str) -> globs.IgnoreSpec | None:
        if rel_dir not in self._specs:
            gitignore = self.root / rel_dir / ".gitignore" if rel_dir else self.root / ".gitignore"
            spec = None
            try:
                if gitignore.is_file() and not gitignore.is_symlink():  # git does not follow it either
                    lines = safeio.read_text(gitignore, root=self.root, limit=MAX_IGNORE_BYTES,
                                             errors="replace").splitlines()
                    spec = globs.gitignore_spec(lines)
            except (OSError, ValueError):
                spec = None
            self._specs[rel_dir] = spec
        return self._specs[rel_dir]

    def forget(self, rel_dir: str) -> None:
        """Drop a cached .gitignore (call when it changes)."""
        self._specs.pop(rel_dir, None)

    def forget_under(self, rel_dir: str) -> None:
        """Drop the cached .gitignore files of a folder and every folder below it (it
        appeared, went or is walked again)."""
        prefix = rel_dir + "/"
        for key in [k for k in self._specs if k == rel_dir or k.startswith(prefix)]:
            del self._specs[key]

    def ignored(self, rel: str, is_dir: bool = False) -> bool:
        parts = rel.split("/")
        if any(part in DEFAULT_EXCLUDES for part in (parts if is_dir else parts[:-1])):
            return True
        if is_dir and parts[-1] in DEFAULT_EXCLUDES:
            return True
        probe = rel + "/" if is_dir else rel
        if self.extra is not None and self.extra.match(probe):
            return True
        # every .gitignore from the root down to the file's directory applies to it
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            spec = self._spec_for(base)
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            if spec.match(sub):
                return True
        return False


def inside(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def walk(root: Path, rules: IgnoreRules, start: str = "") -> Walk:
    """All candidate files under ``root`` (relative posix paths, sorted).

    ``start`` limits the walk to one folder of the repository (paths stay relative to
    ``root``, so the repository's ignore rules apply as they do to a full scan).
    """
    result = Walk()
    real_root = root.resolve()
    stack = [start]
    while stack:
        rel_dir = stack.pop()
        directory = root / rel_dir if rel_dir else root
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            result.notices.append(Notice(rel_dir or ".", f"cannot list directory: {exc.strerror}", "error"))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                _visit_link(real_root, rules, rel, entry.path, result)
                continue
            if is_dir:
                if not rules.ignored(rel, is_dir=True):
                    stack.append(rel)
                continue
            if is_candidate(rel) and not rules.ignored(rel):
                result.files.append(rel)
    result.files.sort()
    if not start:
        result.notices.extend(rules.problems())
    return result


def _visit_link(real_root: Path, rules: IgnoreRules, rel: str, path: str, result: Walk) -> None:
    """A symbolic link met by the walk: a file to read, or a notice saying why not."""
    if rules.ignored(rel) or not is_candidate(rel):
        return
    try:
        target = Path(os.path.realpath(path))
        if not inside(real_root, target):
            result.notices.append(Notice(rel, "symbolic link points outside the repository; not followed"))
            return
        if target.is_dir():
            return
        if not target.is_file():
            result.notices.append(Notice(rel, "broken symbolic link"))
            return
    except (OSError, RuntimeError):
        result.notices.append(Notice(rel, "symbolic link loop; not followed"))
        return
    result.files.append(rel)


def probe(root: Path, rules: IgnoreRules, rel: str) -> Walk:
    """What :func:`walk` says of one path that is not a folder: the file to audit (if
    any) and the walk's notices for it (a link out of the repository, a broken link).
    Used by incremental updates so that they give the notices a fresh walk gives."""
    result = Walk()
    path = root / rel
    try:
        is_link = path.is_symlink()
    except OSError:
        return result
    if is_link:
        _visit_link(root.resolve(), rules, rel, str(path), result)
    elif path.is_file() and is_candidate(rel) and not rules.ignored(rel):
        result.files.append(rel)
    return result


def watched(root: Path | str, rules: IgnoreRules | None, path: str, deleted: bool = False) -> bool:
    """Would a full scan look at ``path``, an absolute path a file watcher reported?

    The same answer as :func:`walk`: inside ``root``, not ignored, a candidate, and never
    below a linked folder.  File watchers (watchfiles, like inotify tools) follow a
    committed link to a folder out of the repository (``docs -> /home/me``) and report
    what happens there under the link's path; :func:`walk` never enters linked folders,
    so such events are dropped here.  Called by the app's watch filter for every event.
    """
    base = str(root)
    if not path.startswith(base + os.sep):
        return False
    rel = path[len(base) + 1:].replace(os.sep, "/")
    parts = rel.split("/")
    folder = base
    for part in parts[:-1]:  # every folder between the root and the path must be a real one
        folder = os.path.join(folder, part)
        try:
            mode = os.lstat(folder).st_mode
        except OSError:
            return deleted and (rules is None or not rules.ignored(rel))  # a folder that is gone
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            return False
    if parts[-1] == ".gitignore" or deleted:
        # a deleted directory has no way to tell it was one: let the engine decide
        return rules is None or not rules.ignored(rel)
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # gone meanwhile: a file as far as we can tell
        mode = stat.S_IFREG
    if stat.S_ISDIR(mode):
        return rules is None or not rules.ignored(rel, is_dir=True)
    if stat.S_ISLNK(mode) and os.path.isdir(path):
        return False  # a link to a folder: walk never enters it
    return is_candidate(rel) and (rules is None or not rules.ignored(rel))


def read_file(root: Path, rel: str, real_root: str | None = None,
              real_dirs: dict[str, str] | None = None) -> tuple[bytes | None, Notice | None]:
    """The bytes of a candidate file, or a notice saying why it was skipped.

    Read through :mod:`safeio`: regular files only (a FIFO or device never blocks the
    scan), at most :data:`MAX_BYTES`, never through a link out of the repository
    (``real_root``: ``root`` resolved by the caller; ``real_dirs``: the folders resolved so
    far, see :func:`safeio.read_bytes`).
    """
    try:
        data = safeio.read_bytes(root / rel, root=root, limit=MAX_BYTES, real_root=real_root, real_dirs=real_dirs)
    except safeio.OutsideRoot:
        return None, Notice(rel, "symbolic link points outside the repository; not followed")
    except safeio.NotRegularFile:
        return None, Notice(rel, "not a regular file")
    except safeio.TooLarge as exc:
        return None, Notice(rel, f"larger than {MAX_BYTES // (1024 * 1024)} MiB ({exc.size / 1048576:.1f} MiB); not audited")
    except (OSError, RuntimeError, ValueError) as exc:
        return None, Notice(rel, f"cannot read: {getattr(exc, 'strerror', None) or exc}", "error")
    wide = _wide_encoding(data)
    if wide is not None:  # UTF-16/32 with a byte order mark (Windows editors write it): audited as UTF-8
        text = data.decode(wide, errors="replace")
        return text.encode("utf-8", errors="replace"), None
    if b"\x00" in data[:8192]:
        return None, Notice(rel, "binary file; not audited")
    return data, None


def _wide_encoding(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


#: characters some readers take for a line break and others do not (PyYAML breaks lines at
#: NEL, LS and PS; str.splitlines at VT, FF and FS/GS/RS too; git, editors and code scanning
#: count only LF): read as spaces, so that every reader numbers lines as a reviewer does
_ODD_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_ODD_ASCII = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")  # those of them in ASCII


def decode(data: bytes) -> tuple[str, bool]:
    """Text of a file; the flag says whether bytes had to be replaced (not UTF-8).

    Lines are what git counts: CRLF is one line break; a lone CR, VT, FF, FS/GS/RS, NEL,
    LS or PS is read as a space, so no reader numbers a line past the end of the file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, replaced = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, replaced = data.decode("utf-8", errors="replace"), True
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not text.isascii() or any(odd in text for odd in _ODD_ASCII):  # (substring tests beat the regex scan)
        text = _ODD_BREAKS.sub(" ", text)
    return text, replaced


def iter_parents(rel: str) -> Iterator[str]:
    parts = rel.split("/")[:-1]
    for depth in range(len(parts), -1, -1):
        yield "/".join(parts[:depth])
