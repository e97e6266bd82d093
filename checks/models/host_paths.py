"""Host paths: what a directory or file of the host gives a container that mounts it.

One answer for every domain (compose bind mounts, Kubernetes hostPath volumes). A host path is
one of these kinds, most dangerous first:

- ``root``: ``/`` itself, the whole host;
- ``runtime-socket``: the container runtime's API socket (``docker.sock``...): control of the host;
  a rootless runtime's socket in a user's runtime directory (``$XDG_RUNTIME_DIR/podman/podman.sock``,
  ``/run/user/1000/docker.sock``) is one too, but :attr:`HostPath.rootless`: it controls that user's
  containers and files, not root on the host;
- ``credentials``: files that hold the host's credentials (``/etc/shadow``, ``/etc/ssh``, sudoers)
  or a user's (a dotfile or dot-directory directly in a home directory: ``~/.ssh``,
  ``/root/.aws``, ``/home/deploy/.kube``, ``.docker``, ``.gnupg``, ``.bashrc``...);
- ``kernel``: the kernel's interfaces and boot files (``/proc``, ``/sys``, ``/boot``) and ``/dev`` itself;
- ``runtime-state``: container runtimes' and the kubelet's state (``/var/lib/docker``,
  ``/etc/kubernetes``...): every other container's data and secrets;
- ``home``: a home directory itself (``/root``, ``/home``, ``/home/<user>``, ``~``): its dotfiles
  are credentials and its shell start-up files run as that user;
- ``system``: a system directory itself (``/etc``, ``/usr``, ``/var``, ``/run``, ``/var/log``...);
- ``system-subtree``: something inside a directory of the host's programs and configuration that
  is none of the above (``/etc/localtime``, ``/usr/share/zoneinfo``, ``/lib/modules``, ``/run/udev``);
- ``device``: one device node or directory of ``/dev`` (``/dev/dri``, ``/dev/ttyUSB0``, ``/dev/disk``);
- ``data``: everything else. A folder under a home directory whose first part is not a dotfile
  (``/home/ops/n8n``, ``/root/n8n/.n8n``, ``~/stacks/app``), a relative path, ``/srv``, ``/opt``,
  ``/mnt``, ``/data``, ``/var/lib/<app>``: a service's own data directory, not a dangerous host mount.

Compose reports the kinds in :data:`SENSITIVE` (a single system file such as ``/etc/localtime``
or ``/etc/ssl/certs`` is the usual harmless bind, a device node is ``devices:``'s business);
Kubernetes reports every hostPath and rates ``system-subtree`` and ``device`` with the sensitive
ones (K8S017).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

#: socket file names that hand out control of the container runtime
RUNTIME_SOCKETS = ("docker.sock", "podman.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock")

#: where a user's runtime directory lives (``$XDG_RUNTIME_DIR`` = /run/user/<uid>): rootless runtimes' sockets
USER_RUNTIME_DIRS = "/run/user"
#: ``$XDG_RUNTIME_DIR``/``${XDG_RUNTIME_DIR}``/``${XDG_RUNTIME_DIR:-...}`` at the start of a written path
_XDG_RUNTIME_DIR_RE = re.compile(r"^(?:\$XDG_RUNTIME_DIR\b|\$\{XDG_RUNTIME_DIR(?:[:?+=-][^}]*)?\})")


def user_runtime_dir(written: str) -> str:
    """A path as written with a leading ``$XDG_RUNTIME_DIR`` read as the user's runtime directory
    (``/run/user/UID/...``), so the path keeps its meaning when variables are dropped."""
    return _XDG_RUNTIME_DIR_RE.sub(USER_RUNTIME_DIRS + "/UID", written.strip()) if written else written


#: system directories, sensitive as a whole (their contents are judged on their own)
SYSTEM_DIRS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var", "/var/lib", "/var/log",
               "/var/run", "/run")
#: system directories whose contents are the host's own programs and configuration (``/var``,
#: ``/var/lib`` and ``/var/log`` hold applications' data and logs: their contents are data)
SYSTEM_TREES = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var/run", "/run")
#: the kernel's interfaces and boot files (the whole subtree; ``/dev`` itself, its device nodes are ``device``)
KERNEL_TREES = ("/proc", "/sys", "/boot")
DEVICES = "/dev"
#: container runtimes' and the kubelet's state (the whole subtree)
RUNTIME_STATE_TREES = ("/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/var/lib/rancher",
                       "/var/lib/containers", "/etc/kubernetes", "/etc/docker", "/etc/containerd", "/run/containerd",
                       "/var/run/containerd", "/run/docker", "/var/run/docker", "/run/crio", "/var/run/crio",
                       "/run/k3s", "/var/run/k3s")
#: the host's own credentials (the whole subtree)
CREDENTIAL_TREES = ("/etc/ssh", "/etc/sudoers.d", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/passwd",
                    "/etc/group")
#: where home directories live: /root is one, /home holds them
HOME_ROOTS = ("/root",)
HOMES_DIR = "/home"

KINDS = ("root", "runtime-socket", "credentials", "kernel", "runtime-state", "home", "system", "system-subtree", "device",
         "data")
#: the kinds a mount reports as sensitive (all but the system's harmless single files and data)
SENSITIVE = frozenset(("root", "runtime-socket", "credentials", "kernel", "runtime-state", "home", "system"))


@dataclass(frozen=True)
class HostPath:
    """A host path and what it is."""

    #: the path, normalised (``~`` kept as written)
    path: str
    kind: str
    #: what it is, for a message: "a credentials directory in a home directory (.ssh)"
    what: str

    @property
    def sensitive(self) -> bool:
        return self.kind in SENSITIVE

    @property
    def rootless(self) -> bool:
        """A runtime socket in a user's runtime directory: a rootless runtime's (rootless Podman or
        Docker), whose API acts with that user's rights, not root's."""
        return (self.kind == "runtime-socket" and self.path.startswith(USER_RUNTIME_DIRS + "/")
                and not self.path.startswith(USER_RUNTIME_DIRS + "/0/"))  # uid 0: root's own


def _within(path: str, roots: tuple[str, ...]) -> str | None:
    for root in roots:
        if path == root or path.startswith(root + "/"):
            return root
    return None


def _home_part(path: str) -> tuple[str, str] | None:
    """(the home directory, what follows it) when ``path`` is in a home directory, else None."""
    if path == "~" or path.startswith("~/"):
        return "~", path[2:]
    for home in HOME_ROOTS:
        if path == home or path.startswith(home + "/"):
            return home, path[len(home) + 1:]
    if path.startswith(HOMES_DIR + "/"):
        user, _, rest = path[len(HOMES_DIR) + 1:].partition("/")
        return f"{HOMES_DIR}/{user}", rest
    return None


def classify(path: str) -> HostPath | None:
    """What the host path is; None when it is not an absolute or home-relative path (a named
    volume, a relative path of the project, a Windows path, an empty string)."""
    text = user_runtime_dir(path).replace("\\", "/") if path else ""
    if not text or not (text.startswith("/") or text == "~" or text.startswith("~/")):
        return None
    norm = posixpath.normpath(text)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    name = posixpath.basename(norm).lower()
    if norm == "/":
        return HostPath(norm, "root", "the host's root filesystem")
    if name in RUNTIME_SOCKETS:
        if norm.startswith(USER_RUNTIME_DIRS + "/") and not norm.startswith(USER_RUNTIME_DIRS + "/0/"):
            return HostPath(norm, "runtime-socket", "a rootless runtime's per-user socket")
        return HostPath(norm, "runtime-socket", "the container runtime's socket")
    home = _home_part(norm)
    if home is not None:
        where, rest = home
        if not rest:
            return HostPath(norm, "home", "a home directory (its dotfiles are credentials and start-up scripts)")
        first = rest.split("/", 1)[0]
        if first.startswith("."):
            return HostPath(norm, "credentials", f"a user's dotfile or credentials directory ({first})")
        return HostPath(norm, "data", f"a folder in a home directory ({where}/{first})")
    if norm == HOMES_DIR:
        return HostPath(norm, "home", "the host's home directories")
    if _within(norm, CREDENTIAL_TREES):
        return HostPath(norm, "credentials", "the host's credentials")
    tree = _within(norm, RUNTIME_STATE_TREES)
    if tree:
        return HostPath(norm, "runtime-state", f"container runtime or kubelet state ({tree})")
    tree = _within(norm, KERNEL_TREES)
    if tree:
        return HostPath(norm, "kernel", f"the kernel's interfaces or boot files ({tree})")
    if norm == DEVICES:
        return HostPath(norm, "kernel", "every device of the host (/dev)")
    if norm.startswith(DEVICES + "/"):
        return HostPath(norm, "device", "a device of the host")
    if norm in SYSTEM_DIRS:
        return HostPath(norm, "system", "a system directory")
    tree = _within(norm, SYSTEM_TREES)
    if tree:
        return HostPath(norm, "system-subtree", f"a path inside {tree}")
    return HostPath(norm, "data", "a data directory")


def is_socket(path: str | None) -> bool:
    """The path names a container runtime's API socket (by its file name)."""
    if not path:
        return False
    return path.rstrip("/").replace("\\", "/").rsplit("/", 1)[-1].lower() in RUNTIME_SOCKETS
