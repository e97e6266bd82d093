"""Node agents in Kubernetes: pods whose job is the node itself, and what host access that job needs.

The families and the names that recognise them are shared with compose in :mod:`..node_agents`;
this module adds what only Kubernetes shows (which kinds can be agents, the CSI registration
shape, node maintenance, cluster bootstrap).  The services whose job acts on the host's network
(``..node_agents.HOST_FUNCTIONS``: DHCP, firewall managers, VPN endpoints) are recognised in
compose only: in Kubernetes such a pod is judged as any workload (unless another sign makes it a
node agent).

A node agent runs once per node (a DaemonSet, or a static pod) to do something *for the
node*: export its metrics (node-exporter, cAdvisor), wire its network (CNI plugins,
kube-proxy), attach its volumes (CSI node plugins), ship its logs, watch its kernel (Falco,
Tetragon) or expose its devices. Their upstream manifests ship host namespaces, hostPath
mounts of ``/``, ``/proc``, ``/sys`` or ``/dev`` and, for some, ``privileged: true``: that
access is what the agent is for, and peer linters are routinely told to exempt them
(kube-linter's ``ignore-check.kube-linter.io/*`` annotations, Pod Security exemptions for
``kube-system``). The host-access checks ask :func:`node_agent` and grade such access by
what it adds beyond the agent's job, saying "by design for a node agent" so a reader sees why.

Recognition is deliberately narrow:

- only a DaemonSet, or a bare Pod that looks static (``kube-system``, a node-critical
  priority class or a fixed ``nodeName``), can be a node agent; a Deployment never is;
- a *known family* is named by an image, container name or app label (``cadvisor``,
  ``node-exporter``, ``calico-node``, ``fluent-bit``...), or by the CSI node shape (a
  container registering with the kubelet's ``plugins_registry``);
- a DaemonSet that only declares ``priorityClassName: system-node-critical`` is a node
  agent of unknown family: its read-only host access is by design, but its privileges and
  writable host mounts are judged as any workload's;
- a DaemonSet placed as a system component (a system namespace, a node-critical priority or
  tolerating every taint) whose *command acts on the node* (loads or unloads kernel modules,
  sets kernel parameters, enters the host's namespaces with ``nsenter``, ``chroot``s into a
  hostPath mount, writes the node's ``/etc`` or ``/proc/sys`` through one) is node maintenance:
  its privilege and the host mounts its command works through are its function. What the
  object declares and runs decides, never its name.

:func:`bootstrap_installer` answers the same question for one-shot Jobs: a Job placed as a
system component whose command installs cluster components (``helm install``, ``kubectl
apply``, ``cilium install``) is cluster bootstrap; when what it installs is the pod network
(a CNI), the host network is the only one it can use.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import node_agents as _shared
from ..images import parse_image
from ..yamlnodes import YMap
from .objects import Container, Workload, volume_mounts


@dataclass(frozen=True)
class NodeAgent:
    """What a node agent is and how auditui recognised it."""

    #: what the agent does for the node, e.g. "node metrics (node-exporter)"
    role: str
    #: how it was recognised, e.g. "image 'cadvisor'"
    signal: str
    #: a known family (False: only declared node-critical)
    known: bool
    #: the family's upstream manifests run it privileged (CSI node plugins, CNI, cAdvisor...)
    privileged_by_design: bool

    #: what its command does to the node (node maintenance), e.g. ("unloads kernel modules",)
    acts_on_node: tuple[str, ...] = ()
    #: the volumes (hostPath) its command works on the node through
    works_through: tuple[str, ...] = ()
    #: the family it belongs to (None: recognised by shape or placement only)
    family: _shared.Family | None = None

    def needs(self, capability: str) -> str | None:
        """Why its family's documented deployment adds ``capability`` (None: it does not)."""
        return self.family.why(capability) if self.family is not None else None

    @property
    def privileged_because(self) -> str:
        """Why privileged is its function, for a lowered K8S012."""
        if self.acts_on_node:
            return f"its command {', '.join(self.acts_on_node)}, which takes privileged"
        return "its upstream manifests run it privileged"

    @property
    def described(self) -> str:
        return f"a node agent: {self.role}, recognised by {self.signal}"

    @property
    def reason(self) -> str:
        """The phrase checks append to a lowered finding: ``by design for a node agent: ...``."""
        return f"by design for {self.described}"


#: the families of node agents (shared with compose: :mod:`..node_agents`)
FAMILIES = _shared.FAMILIES

#: label keys whose values name an application or its component
APP_LABELS = ("app", "app.kubernetes.io/name", "app.kubernetes.io/component", "k8s-app", "component", "name")

NODE_CRITICAL = ("system-node-critical",)
STATIC_POD_PRIORITIES = ("system-node-critical", "system-cluster-critical")

#: where the kubelet discovers CSI (and device) plugins: a pod mounting it registers with the kubelet
CSI_REGISTRATION = "plugins_registry"


_normal = _shared.normal


def _candidates(workload: Workload) -> Iterator[tuple[str, str]]:
    """(name, where it came from) of everything that names what the pod runs."""
    for container in workload.containers(include_init=True):
        if container.image and "{{" not in container.image:
            ref = parse_image(container.image)
            yield _normal(ref.name), f"image {ref.name!r}"
            yield _normal(ref.repository), f"image {ref.repository!r}"
        yield _normal(container.name), f"container {container.name!r}"
    yield _normal(workload.name), f"its name {workload.name!r}"
    for labels in (workload.labels, workload.pod_labels):
        for key in APP_LABELS:
            value = labels.get(key)
            if value and "{{" not in value:
                yield _normal(value), f"label {key}={value}"


def _family(workload: Workload) -> NodeAgent | None:
    found = _shared.family_of(list(_candidates(workload)))
    if found is None:
        return None
    family, where = found
    return NodeAgent(family.role, where, True, family.privileged, family=family)


def _registers_with_kubelet(workload: Workload) -> bool:
    """The CSI node shape: a hostPath of the kubelet's plugin registry, or a registrar's flag."""
    for _, volume in workload.pod_spec.list("volumes").maps():
        host = volume.get("hostPath")
        if isinstance(host, YMap) and CSI_REGISTRATION in str(host.get("path") or ""):
            return True
    for container in workload.containers(include_init=True):
        for key in ("args", "command"):
            if any("kubelet-registration-path" in str(arg) for arg in container.node.list(key)):
                return True
    return False


def _static_pod(workload: Workload) -> bool:
    priority = str(workload.pod_spec.get("priorityClassName") or "")
    return (workload.namespace == "kube-system" or priority in STATIC_POD_PRIORITIES
            or bool(workload.pod_spec.get("nodeName")))


# -- node maintenance: what a command does to the node ----------------------------------------

#: namespaces Kubernetes and cluster add-ons keep their components in
SYSTEM_NAMESPACES = ("kube-system", "kube-node-lease")


def _tolerates_every_taint(workload: Workload) -> bool:
    return any(t.get("operator") == "Exists" and not t.get("key")
               for _, t in workload.pod_spec.list("tolerations").maps())


def system_placement(workload: Workload) -> str | None:
    """How the pod declares itself a system component (None: it does not)."""
    priority = str(workload.pod_spec.get("priorityClassName") or "")
    if priority in STATIC_POD_PRIORITIES:
        return f"priorityClassName {priority}"
    if workload.namespace in SYSTEM_NAMESPACES:
        return f"namespace {workload.namespace}"
    if _tolerates_every_taint(workload):
        return "a toleration of every taint"
    return None


def _host_mounts(workload: Workload, container: Container) -> dict[str, tuple[str, str]]:
    """mountPath -> (volume, host path) of the container's hostPath mounts."""
    hosts: dict[str, str] = {}
    for _, volume in workload.pod_spec.list("volumes").maps():
        host = volume.get("hostPath")
        if isinstance(host, YMap):
            hosts[str(volume.get("name"))] = posixpath.normpath(str(host.get("path") or "/"))
    out = {}
    for mount in volume_mounts(container):
        name = str(mount.get("name"))
        if name in hosts and mount.get("mountPath"):
            out[posixpath.normpath(str(mount.get("mountPath")))] = (name, hosts[name])
    return out


def _command_text(container: Container) -> str:
    return "\n".join(str(arg) for key in ("command", "args") for arg in container.node.list(key))


_KERNEL_MODULES = re.compile(r"(?:^|[\s;&|(`])(?:modprobe|rmmod|insmod)\b")
_SYSCTL_WRITE = re.compile(r"(?:^|[\s;&|(`])sysctl\s+(?:-[a-zA-Z]*w\b|--write\b|-p\b|--system\b)")
_NSENTER_HOST = re.compile(r"(?:^|[\s;&|(`])nsenter\b[^\n;&|]*?(?:(?:-t|--target)[\s=]*1\b|/proc/1/ns/)")
_CHROOT = re.compile(r"(?:^|[\s;&|(`])chroot\s+(/[\w./\-]*)")
#: a redirection, tee, cp/mv/install or sed -i writing to a path
_WRITE = re.compile(r"(?:>>?|\btee\s+(?:-a\s+)?|\bsed\s+-i\S*\s+(?:'[^'\n]*'|\"[^\"\n]*\"|\S+)\s+)\s*[\"']?(/[\w./\-]*)")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def node_actions(workload: Workload) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(what its containers' commands do to the node, the hostPath volumes they do it through)."""
    actions: list[str] = []
    through: list[str] = []

    def add(action: str) -> None:
        if action not in actions:
            actions.append(action)

    for container in workload.containers(include_init=True):
        text = _command_text(container)
        if not text or "{{" in text:
            continue
        mounts = _host_mounts(workload, container)
        if _KERNEL_MODULES.search(text):
            add("loads or unloads kernel modules")
        if _SYSCTL_WRITE.search(text):
            add("sets kernel parameters")
        if _NSENTER_HOST.search(text.replace("\n", " ")):  # nsenter and its options are separate arguments
            add("enters the host's namespaces (nsenter)")
        for found in _CHROOT.finditer(text):
            target = posixpath.normpath(found.group(1))
            for mount_path, (volume, host) in mounts.items():
                if target == mount_path and host == "/":
                    add(f"chroots into the host root ({mount_path})")
                    through.append(volume)
        for found in _WRITE.finditer(text):
            target = posixpath.normpath(found.group(1))
            for mount_path, (volume, host) in mounts.items():
                if not _within(target, mount_path):
                    continue
                on_host = posixpath.normpath(host + "/" + target[len(mount_path):])
                if _within(on_host, "/etc") or _within(on_host, "/proc/sys"):
                    add(f"writes the node's {'/etc' if _within(on_host, '/etc') else '/proc/sys'} ({target})")
                    through.append(volume)
    return tuple(actions), tuple(dict.fromkeys(through))


#: a package manager installing on the host (after nsenter into PID 1's namespaces)
_PACKAGE_INSTALL = re.compile(
    r"(?:^|[\s;&|(`])(?:sudo\s+)?(?:apt-get|apt|yum|dnf|microdnf|tdnf|zypper|apk|pacman|rpm-ostree|transactional-update)"
    r"\b[^\n;&|]*?\s(?:install|add|-S|pkg\s+install|in)\b"
    r"|(?:^|[\s;&|(`])semodule\s+(?:-\w*i|--install)"  # an SELinux policy module
)


def _installs_on_host(workload: Workload) -> bool:
    """A container's command enters the host's namespaces (nsenter into PID 1) and installs
    packages or loads kernel modules there: a node installer, whatever namespace it runs in
    (Longhorn's cifs/iSCSI/NFS prerequisite DaemonSets)."""
    for container in workload.containers(include_init=True):
        text = _command_text(container)
        if not text or "{{" in text or not _NSENTER_HOST.search(text.replace("\n", " ")):
            continue
        if _PACKAGE_INSTALL.search(text) or _KERNEL_MODULES.search(text):
            return True
    return False


def _node_maintenance(workload: Workload) -> NodeAgent | None:
    placement = system_placement(workload)
    if placement is None and _installs_on_host(workload):
        placement = "a command that enters the host's namespaces to install packages or load modules on each node"
    if placement is None:
        return None
    actions, through = node_actions(workload)
    if not actions:
        return None
    return NodeAgent("node maintenance, its command acts on the node", f"{placement} and its command", True, True,
                     actions, through)


# -- cluster bootstrap: a one-shot Job that installs the cluster's components ---------------------


@dataclass(frozen=True)
class Bootstrap:
    """A one-shot Job that installs cluster components, and how auditui recognised it."""

    #: the install command, e.g. "cilium install"
    command: str
    #: how it is placed as a system component
    placement: str
    #: what it installs is the pod network (a CNI): no pod network exists before it
    installs_network: bool

    @property
    def reason(self) -> str:
        return (f"by design for cluster bootstrap: a one-shot Job ({self.placement}) that runs {self.command!r}"
                + (", installing the pod network, so none exists before it" if self.installs_network else ""))


#: programs that install cluster components, and the subcommands that do
INSTALLERS = {"helm": ("install", "upgrade"), "kubectl": ("apply", "create"), "cilium": ("install", "upgrade"),
              "cilium-cli": ("install",), "istioctl": ("install",), "linkerd": ("install",),
              "calicoctl": ("apply", "create"), "flux": ("install", "bootstrap")}
_INSTALL = re.compile(r"(?:^|[\s;&|(`/])(" + "|".join(re.escape(p) for p in INSTALLERS) + r")\s+((?:-{1,2}[\w\-]+(?:=\S+)?\s+)*)([a-z]+)\b")


#: names of pod networks a bootstrap installs, beyond the node networking family's agents
CNI_NAMES = ("calico", "tigera-operator", "antrea", "weave-net", "kube-ovn", "kube-router")


def _network_tokens() -> tuple[str, ...]:
    return _shared.network_tokens() + CNI_NAMES


def bootstrap_installer(workload: Workload) -> Bootstrap | None:
    """The cluster bootstrap this Job is, or None (always None for anything but a Job)."""
    if workload.kind != "Job":
        return None
    placement = system_placement(workload)
    if placement is None:
        return None
    for container in workload.containers(include_init=True):
        text = _command_text(container)
        if "{{" in text:
            continue
        for found in _INSTALL.finditer(text):
            program, subcommand = found.group(1), found.group(3)
            if subcommand not in INSTALLERS[program]:
                continue
            words = _normal(f"{text} {container.image}")
            network = any(re.search(rf"(?<![\w\-]){re.escape(token)}(?![\w])", words)
                          for token in _network_tokens() if "/" not in token)
            return Bootstrap(f"{program} {subcommand}", placement, network)
    return None


def node_agent(workload: Workload) -> NodeAgent | None:
    """The node agent this workload is, or None (always None for Deployments and the like)."""
    if workload.kind == "Pod":
        if not _static_pod(workload):
            return None
    elif workload.kind != "DaemonSet":
        return None
    if _registers_with_kubelet(workload):
        return NodeAgent("storage (CSI node plugin)", "its registration with the kubelet's plugin registry",
                         True, True)
    found = _family(workload)
    if found is not None:
        return found
    if workload.kind == "DaemonSet":
        maintenance = _node_maintenance(workload)
        if maintenance is not None:
            return maintenance
    priority = str(workload.pod_spec.get("priorityClassName") or "")
    if workload.kind == "DaemonSet" and priority in NODE_CRITICAL:
        return NodeAgent("a DaemonSet of unknown family", f"priorityClassName {priority}", False, False)
    return None


# -- how a host volume is mounted --------------------------------------------------------------


@dataclass(frozen=True)
class MountAccess:
    """How the containers of a pod mount one of its volumes."""

    #: at least one container mounts it
    mounted: bool
    #: at least one mount lacks ``readOnly: true``
    writable: bool
    #: a privileged container mounts it writable
    privileged_writer: bool


def mount_access(workload: Workload, volume_name: str) -> MountAccess:
    mounted = writable = privileged_writer = False
    for container in workload.containers(include_init=True):
        for mount in volume_mounts(container):
            if str(mount.get("name")) != volume_name:
                continue
            mounted = True
            if mount.get("readOnly") is not True:
                writable = True
                if _privileged(container):
                    privileged_writer = True
    return MountAccess(mounted, writable, privileged_writer)


def _privileged(container: Container) -> bool:
    return container.security().get("privileged") is True


#: directories under which the container runtimes put their sockets (a socket stays usable
#: through a read-only mount)
SOCKET_DIRS = ("/var/run", "/run")


def holds_runtime_sockets(path: str) -> bool:
    norm = posixpath.normpath(path) if path else "/"
    return norm in SOCKET_DIRS or any(
        norm.startswith(d + "/") and posixpath.basename(norm) in ("docker", "containerd", "crio", "cri-dockerd",
                                                                 "podman", "k3s")
        for d in SOCKET_DIRS)
