"""SH012: `rm -rf "$DIR"/...` where an empty variable turns the path into `/...`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import runs_remotely

CHECK = Check(
    code="SH012",
    name="rm-rf-unguarded-variable",
    title="Recursive delete of a path built from a variable that may be empty",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    rationale=(
        "`rm -rf \"$BUILD_DIR\"/*` deletes `/*` when the variable is empty or unset: a typo "
        "in its name, a missing argument, a failed `cd` or command substitution. `set -u` "
        "does not help for empty values. On a server this erases the host; in CI, the "
        "runner's workspace or home."
    ),
    remediation=(
        "Expand the variable with `${VAR:?}` so the shell stops when it is empty: `rm -rf \"${BUILD_DIR:?}\"/*`.",
        "Or test it first: `[ -n \"$BUILD_DIR\" ] && rm -rf \"$BUILD_DIR\"/*`.",
        "Prefer deleting a directory you created in the script (`tmp=$(mktemp -d)`) over a path from outside.",
    ),
    effort="15m",
    references=(
        "https://www.shellcheck.net/wiki/SC2115",
        "https://www.gnu.org/software/bash/manual/html_node/Shell-Parameter-Expansion.html",
    ),
    peers=("shellcheck SC2115",),
)

#: "$VAR/..." or "${VAR}/..." at the start of an argument (quotes already removed)
_LEADING_VAR_RE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/")
_LITERAL_ASSIGN_RE = re.compile(r"^(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=(.+)$")


def _recursive(argv: tuple[str, ...]) -> bool:
    for word in argv[1:]:
        if word == "--":
            break
        if word in ("--recursive",) or (word.startswith("-") and not word.startswith("--") and ("r" in word or "R" in word)):
            return True
    return False


#: command substitutions whose output is never empty: `mktemp`, `pwd`, `$(cd "$(dirname "$0")" && pwd)`,
#: `dirname` (prints `.` at least)
_NEVER_EMPTY = ("$(mktemp", "$(pwd", "$PWD", "${PWD", "$(dirname", "`mktemp", "`pwd", "`dirname")


def _never_empty(value: str) -> bool:
    if value.startswith(_NEVER_EMPTY):
        return True
    return value.startswith(("$(cd ", "`cd ")) and value.rstrip(")`").endswith("pwd")


#: top-level directories of the host (Filesystem Hierarchy Standard) whose loss breaks the
#: system or every service on it; `/tmp`, `/mnt`, `/media` and site folders (`/data`, `/app`)
#: are not among them
_SYSTEM_TOP = frozenset(("bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "opt",
                         "proc", "root", "run", "sbin", "snap", "srv", "sys", "usr", "var"))
#: directories below those that hold the state of every service on the host
_SYSTEM_STATE = frozenset(("var/lib", "var/log", "var/www", "var/backups", "var/spool", "var/mail", "var/opt",
                           "var/lib/docker", "var/lib/containerd", "var/lib/kubelet", "var/lib/mysql",
                           "var/lib/postgresql"))

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: what stands for an expansion that is never empty (`${X:?}`, a name the script sets): an
#: unknown but non-empty directory name
_OPAQUE = "\0"


def _expansion(rest: str, at: int, safe: set[str]) -> tuple[str, int, str]:
    """Read the expansion starting at ``rest[at]`` (`$`); return what it becomes when every
    variable that may be empty is empty, where it ends, and the name to report ('' if none)."""
    nxt = rest[at + 1:at + 2]
    if nxt == "(":  # $(...): output may be empty
        depth, end = 0, at + 1
        while end < len(rest):
            depth += {"(": 1, ")": -1}.get(rest[end], 0)
            end += 1
            if depth == 0:
                break
        return "", end, ""
    if nxt == "{":
        close = rest.find("}", at)
        end = len(rest) if close < 0 else close + 1
        body = rest[at + 2:end - 1]
        name = _NAME_RE.match(body)
        if name is None or body.startswith("#"):
            return "", end, ""
        op = body[name.end():]
        if op.startswith(":?"):
            return _OPAQUE, end, ""  # the shell stops when it is empty
        if op.startswith((":-", ":=")) and op[2:]:
            default = op[2:]
            return (default if "$" not in default and "`" not in default else _OPAQUE), end, ""
        if not op and name.group() in safe:
            return _OPAQUE, end, ""
        return "", end, name.group()
    name = _NAME_RE.match(rest, at + 1)
    if name is None:  # $1, $@, $*, $$ ...: may be empty
        return "", min(at + 2, len(rest)), rest[at + 1:at + 2]
    if name.group() in safe:
        return _OPAQUE, name.end(), ""
    return "", name.end(), name.group()


def _worst_case(rest: str, safe: set[str]) -> tuple[tuple[str, ...], list[str], tuple[str, ...]]:
    """The directory an `rm -r` of `/` + ``rest`` deletes at worst, when every variable that may be
    empty is empty: `.` dropped, `..` climbing, and a component holding a glob standing for all of
    its parent directory. Returns its components (`()` for `/`), the names that must be empty and
    the components from the first glob on (`("*", "nginx.conf")`; `()` without a glob)."""
    text, names, at = [], [], 0
    while at < len(rest):
        ch = rest[at]
        if ch == "$":
            value, at, name = _expansion(rest, at, safe)
            text.append(value)
            if name and name not in names:
                names.append(name)
        elif ch == "`":  # `...`: output may be empty
            close = rest.find("`", at + 1)
            at = len(rest) if close < 0 else close + 1
        else:
            text.append(ch)
            at += 1
    parts: list[str] = []
    pattern: list[str] = []
    for part in "".join(text).split("/"):
        if part in ("", "."):
            continue
        if pattern or any(ch in part for ch in "*?["):
            pattern.append(part)  # from the glob on: what it reaches in the directory so far
        elif part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return tuple(parts), names, tuple(pattern)


def _reach(parts: tuple[str, ...]) -> Severity:
    """How bad losing that directory is: `/` or a system directory (`/etc`, `/usr/lib`, `/var/lib`)
    is high; a folder inside a system directory (`/etc/nginx`, `/var/lib/app`) medium; anything
    else (`/data/builder/app`, `/tmp/x`: a site folder, often not even present) low."""
    if not parts or (len(parts) == 1 and parts[0] in _SYSTEM_TOP):
        return Severity.HIGH
    if parts[0] == "usr" and len(parts) == 2 or "/".join(parts) in _SYSTEM_STATE:
        return Severity.HIGH
    return Severity.MEDIUM if parts[0] in _SYSTEM_TOP else Severity.LOW


#: names of directories found inside the system ones (`/usr/lib`, `/var/log`): a glob followed by
#: one of them (`$DIR/*/lib`) reaches a system directory; by another name (`$DIR/*/nginx.conf`),
#: only that name in each directory
_SYSTEM_CHILDREN = frozenset(("bin", "sbin", "lib", "lib32", "lib64", "libexec", "local", "share", "include", "src",
                              "log", "www", "backups", "spool", "mail", "opt", "cache", "run", "docker"))


def _glob_reach(parts: tuple[str, ...], pattern: tuple[str, ...]) -> Severity:
    """What a glob reaches inside ``parts``: everything (`/*`) is as bad as the directory itself; one
    name in each of its directories (`/*/nginx.conf`) a step less, unless that name is one of the
    system's own (`/*/lib` is /usr/lib and /var/lib)."""
    reach = _reach(parts)
    if len(pattern) < 2 or pattern[1] in _SYSTEM_CHILDREN or ".." in pattern or any(ch in pattern[1] for ch in "*?["):
        return reach
    return Severity(max(Severity.LOW, reach - 1))


def _safe_names(script: ShellScript) -> set[str]:
    """Variables the script itself sets to a non-empty literal or a value that is never empty
    (`mktemp`, `pwd`, `$(cd ... && pwd)`, `$(dirname ...)`)."""
    names: set[str] = set()
    for command in script.commands:
        for seg in command.segments:
            for word in seg.words:
                match = _LITERAL_ASSIGN_RE.match(word)
                if not match:
                    continue
                value = match.group(2)
                if value and ("$" not in value and "`" not in value or _never_empty(value)):
                    names.add(match.group(1))
    return names


@CHECK.on(ShellScript)
def rm_rf_unguarded_variable(script: ShellScript) -> Iterator[Finding]:
    if script.in_container:
        return  # an image build or a container is not a server
    safe = None
    for command in script.commands:
        for index, seg in enumerate(command.segments):
            if seg.name != "rm" or not _recursive(seg.argv):
                continue
            if script.host == "workflow" and not runs_remotely(command, seg):
                continue  # a throw-away CI runner
            if seg.guards or seg.op == "||" or (index and seg.op == "&&" and command.segments[index - 1].name in ("[", "[[", "test")):
                continue
            for word in seg.argv[1:]:
                match = _LEADING_VAR_RE.match(word)
                if not match:
                    continue
                name = match.group(1) or match.group(2)
                if safe is None:
                    safe = _safe_names(script)
                if name in safe:
                    continue
                parts, others, pattern = _worst_case(word[match.end():], safe)
                names = [name, *[o for o in others if o != name]]
                empty = " and ".join(f"${n}" for n in names)
                are = "are" if len(names) > 1 else "is"
                severity = _glob_reach(parts, pattern)
                target = "/" + "/".join(p.replace(_OPAQUE, "<value>") for p in parts)
                what = target
                if len(pattern) > 1:
                    what = "/" + "/".join(p.replace(_OPAQUE, "<value>") for p in parts + pattern)
                elif pattern:
                    what = f"paths inside {target}"
                if not parts and len(pattern) < 2:
                    when = f"deletes from / when {empty} {are} empty"
                elif severity == Severity.HIGH:
                    system = "which reaches system directories" if len(pattern) > 1 else "a system directory"
                    when = f"deletes {what}, {system}, when {empty} {are} empty"
                else:
                    when = f"deletes {what} (not the whole disk) when {empty} {are} empty"
                if "nounset" in script.options and severity > Severity.LOW:
                    severity, when = Severity.LOW, f"{when} (set -u stops the script on an unset name; only an empty value gets there)"
                yield CHECK.finding(
                    command.pos, resource=f"path/{word}", symbol=(word,),
                    severity=None if severity == CHECK.severity else severity,
                    message=f"`rm -r {word}` {when}; use ${{{name}:?}}",
                    evidence=command.evidence,
                )
