"""File I/O on a repository that may be hostile: bounded reads, writes that stay inside.

A repository auditui is pointed at may be a stranger's.  It can commit a symbolic link
where auditui reads or writes (``.auditui/`` -> ``~/.ssh``, ``.git/HEAD`` ->
``/dev/zero``), a FIFO that blocks whoever opens it, or a file of gigabytes.  Every read
and write of auditui outside the app's triage store goes through this module:

* :func:`read_bytes` / :func:`read_text` read **regular files only**, at most ``limit``
  bytes.  With ``root`` the file must resolve inside ``root`` (a link to a file inside is
  fine, a link out is refused).  The file is opened non-blocking and checked with
  ``fstat`` on the open descriptor, so a FIFO, ``/dev/zero`` or a device never hangs.
* :func:`write_text` / :func:`write_bytes` replace a file atomically and never leave
  ``root``: each directory from ``root`` down to the target is opened with
  ``O_NOFOLLOW`` relative to its parent (a symbolic link anywhere in the way is refused),
  the data goes to a temporary file created ``O_EXCL|O_NOFOLLOW`` in the target's own
  directory and ``fsync``-ed, the target is checked again (it must be absent or a regular
  file, never a link, FIFO or device) and the temporary file is renamed over it.  A
  rename replaces a directory entry; it never writes through a link or a hard link.
* :func:`output_root` tells the command line which root a ``--output FILE`` must stay in:
  the repository when the file lies in it, else the file's own directory.

Every refusal is a :class:`SafeIOError` (an ``OSError``, so code that already handles
I/O errors keeps working) whose ``str()`` is one line the CLI or the app can show.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat

__all__ = [
    "SafeIOError", "NotRegularFile", "TooLarge", "OutsideRoot", "LinkRefused",
    "read_bytes", "read_text", "write_bytes", "write_text", "output_root", "in_repository", "within", "describe_size",
    "DEFAULT_LIMIT",
]

#: the default cap of :func:`read_bytes` (callers pass their own where they know better)
DEFAULT_LIMIT = 4 * 1024 * 1024

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_DIR_FD = os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd and _O_DIRECTORY != 0


class SafeIOError(OSError):
    """A read or write auditui refused or could not do; ``str()`` is one line to show."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        super().__init__(reason)
        self.path = os.fspath(path)
        self.reason = reason
        self.strerror = reason  # code that shows ``exc.strerror`` shows the reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class NotRegularFile(SafeIOError):
    """A FIFO, a device, a socket or a directory where a regular file was expected."""


class TooLarge(SafeIOError):
    """A file over the size cap of the read."""

    def __init__(self, path: str | os.PathLike, size: int, limit: int) -> None:
        super().__init__(path, f"larger than {describe_size(limit)} ({describe_size(size)}); not read")
        self.size = size
        self.limit = limit


class OutsideRoot(SafeIOError):
    """A path that resolves outside the directory it must stay in."""


class LinkRefused(SafeIOError):
    """A symbolic link in the way of a write."""


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")
    if size >= 1024:
        return f"{size / 1024:.1f} KiB".replace(".0 KiB", " KiB")
    return f"{size} bytes"


def within(root: str | os.PathLike, path: str | os.PathLike) -> bool:
    """Is ``path`` ``root`` itself or below it (lexically: both are taken as given)?"""
    root_s, path_s = os.fspath(root), os.fspath(path)
    try:
        return os.path.commonpath([root_s, path_s]) == root_s
    except ValueError:  # different drives, or one relative and one absolute
        return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


# -- reading --------------------------------------------------------------------------------


def read_bytes(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
               limit: int = DEFAULT_LIMIT, real_root: str | None = None,
               real_dirs: dict[str, str] | None = None) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes.

    ``path`` is absolute or relative to the current directory, as everywhere in Python.
    With ``root``, it must resolve inside ``root``: a symbolic link whose target lies outside is refused with
    :class:`OutsideRoot`.  Without ``root`` (a file the user named) links are followed.
    ``real_root`` is ``os.path.realpath(root)`` when the caller resolved it already (a scan
    reads a thousand files under one root); ``real_dirs`` (folder as given -> its real path)
    lets a caller that reads many files of the same folders resolve each folder once: the
    file is then resolved from its folder's real path (fully when the file itself is a link).
    A FIFO, device, socket or directory raises :class:`NotRegularFile`; a file over
    ``limit`` raises :class:`TooLarge`; any other failure is the ``OSError`` itself.
    """
    shown = os.fspath(path)
    if root is not None:
        if real_root is None:
            real_root = os.path.realpath(root)
        real = _resolve(shown, real_dirs)
        if not _inside(real_root, real):
            raise OutsideRoot(shown, "symbolic link points outside the repository; not followed")
        target = real
    else:
        target = shown
    flags = os.O_RDONLY | _O_CLOEXEC | _O_NONBLOCK | _O_NOCTTY | _O_BINARY
    if root is not None:
        flags |= _O_NOFOLLOW  # resolved above: a link here was swapped in since
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LinkRefused(shown, "is a symbolic link; not followed") from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a FIFO/socket with nothing behind it; a directory
            raise NotRegularFile(shown, "not a regular file; not read") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(shown, f"{_kind(st.st_mode)}, not a regular file; not read")
        if st.st_size > limit:
            raise TooLarge(shown, st.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # the file grew while we read it
            raise TooLarge(shown, total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _resolve(path: str, real_dirs: dict[str, str] | None) -> str:
    """``os.path.realpath(path)``, its folder's real path taken from ``real_dirs`` (filled as it goes)."""
    if real_dirs is None:
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    if not name or name in (".", ".."):
        return os.path.realpath(path)
    real_dir = real_dirs.get(folder)
    if real_dir is None:
        real_dir = real_dirs[folder] = os.path.realpath(folder)
    real = os.path.join(real_dir, name)
    return os.path.realpath(real) if os.path.islink(real) else real


def _inside(real_root: str, real: str) -> bool:
    """:func:`within` for two resolved paths (absolute and normal), without splitting them."""
    if os.name != "posix":
        return within(real_root, real)
    return real == real_root or real.startswith(real_root if real_root.endswith("/") else real_root + "/")


def read_text(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
              limit: int = DEFAULT_LIMIT, encoding: str = "utf-8", errors: str = "strict") -> str:
    """:func:`read_bytes`, decoded (a UTF-8 byte order mark is dropped)."""
    data = read_bytes(path, root=root, limit=limit)
    if encoding.lower().replace("-", "") == "utf8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode(encoding, errors)


# -- writing --------------------------------------------------------------------------------


def output_root(target: str | os.PathLike, repository: str | os.PathLike | None) -> str:
    """The directory a write of ``target`` (a path the user typed) must stay in.

    The repository when ``target`` lies in it (as typed, or once the links in its folders
    are resolved): then no component below the repository may be a link.  Otherwise the
    folder of ``target`` itself, which the user chose: only the file itself is checked.
    """
    absolute = os.path.abspath(target)
    if repository is not None and in_repository(target, repository):
        repo_abs = os.path.abspath(repository)
        return repo_abs if within(repo_abs, absolute) else os.path.realpath(repository)
    return os.path.dirname(absolute)


def in_repository(path: str | os.PathLike, repository: str | os.PathLike) -> bool:
    """Does ``path`` lie in ``repository``, as typed or once its folders' links are resolved?"""
    absolute = os.path.abspath(path)
    repo_real = os.path.realpath(repository)
    return (within(os.path.abspath(repository), absolute) or within(repo_real, absolute)
            or within(repo_real, os.path.realpath(os.path.dirname(absolute))))


def _relative_parts(path: str, root: str) -> tuple[str, list[str]]:
    """(root to open, components from it to ``path``), refusing anything outside ``root``."""
    absolute = os.path.abspath(path)
    for base in (os.path.abspath(root), os.path.realpath(root)):
        if within(base, absolute) and absolute != base:
            rel = os.path.relpath(absolute, base)
            return base, [part for part in rel.split(os.sep) if part not in ("", ".")]
    raise OutsideRoot(path, f"outside {root}; refusing to write there")


def _open_dir(name: str, parent_fd: int, shown: str, make_dirs: bool) -> int:
    flags = os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC
    try:
        return os.open(name, flags, dir_fd=parent_fd)
    except FileNotFoundError:
        if not make_dirs:
            raise SafeIOError(shown, "no such directory") from None
        try:
            os.mkdir(name, 0o777, dir_fd=parent_fd)
        except FileExistsError:
            pass
        return _open_dir(name, parent_fd, shown, False)
    except OSError as exc:
        try:
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        except OSError:
            raise SafeIOError(shown, _reason(exc)) from None
        if stat.S_ISLNK(st.st_mode):
            raise LinkRefused(shown, "is a symbolic link; refusing to write through it") from None
        if not stat.S_ISDIR(st.st_mode):
            raise NotRegularFile(shown, f"is {_kind(st.st_mode)}, not a directory") from None
        raise SafeIOError(shown, _reason(exc)) from None


def _check_target(name: str, dir_fd: int | None, shown: str) -> os.stat_result | None:
    """The target's lstat when it is a regular file, None when absent; refuses anything else."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False) if dir_fd is not None else os.lstat(name)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise LinkRefused(shown, "is a symbolic link; refusing to write through it")
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(shown, f"is {_kind(st.st_mode)}; refusing to replace it")
    return st


def write_bytes(path: str | os.PathLike, data: bytes, *, root: str | os.PathLike,
                make_dirs: bool = False) -> None:
    """Replace ``path`` (absolute, or relative to the current directory) with ``data``.

    ``path`` must lie below ``root``; every directory between them must be a real
    directory (``make_dirs`` creates missing ones), and the target must be absent or a
    regular file.  Readers see the old file or the new one, never a half-written one.
    """
    shown = os.fspath(path)
    if not _DIR_FD:
        _write_by_path(shown, data, root, make_dirs)
        return
    base, parts = _relative_parts(shown, os.fspath(root))
    *folders, name = parts
    dir_fd = os.open(base, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        walked = base
        for folder in folders:
            walked = os.path.join(walked, folder)
            next_fd = _open_dir(folder, dir_fd, walked, make_dirs)
            os.close(dir_fd)
            dir_fd = next_fd
        existing = _check_target(name, dir_fd, shown)
        tmp = f".{name[:64]}.{secrets.token_hex(8)}.tmp"
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY,
                     mode, dir_fd=dir_fd)
        try:
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
                if existing is not None:
                    os.fchmod(fd, mode)
            finally:
                os.close(fd)
            _check_target(name, dir_fd, shown)  # again: nothing was swapped in meanwhile
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            raise
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
    finally:
        os.close(dir_fd)


def _write_by_path(shown: str, data: bytes, root: str | os.PathLike, make_dirs: bool) -> None:
    """:func:`write_bytes` where the platform has no ``dir_fd`` calls: lstat each component."""
    base, parts = _relative_parts(shown, os.fspath(root))
    *folders, name = parts
    directory = base
    for folder in folders:
        directory = os.path.join(directory, folder)
        try:
            st = os.lstat(directory)
        except FileNotFoundError:
            if not make_dirs:
                raise SafeIOError(directory, "no such directory") from None
            os.mkdir(directory)
            st = os.lstat(directory)
        if stat.S_ISLNK(st.st_mode):
            raise LinkRefused(directory, "is a symbolic link; refusing to write through it")
        if not stat.S_ISDIR(st.st_mode):
            raise NotRegularFile(directory, f"is {_kind(st.st_mode)}, not a directory")
    target = os.path.join(directory, name)
    existing = _check_target(target, None, shown)
    tmp = os.path.join(directory, f".{name[:64]}.{secrets.token_hex(8)}.tmp")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        _check_target(target, None, shown)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text(path: str | os.PathLike, text: str, *, root: str | os.PathLike,
               make_dirs: bool = False, encoding: str = "utf-8", errors: str = "strict") -> None:
    """:func:`write_bytes` of ``text`` encoded (``errors="surrogateescape"`` keeps undecodable names)."""
    write_bytes(path, text.encode(encoding, errors), root=root, make_dirs=make_dirs)
