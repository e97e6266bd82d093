"""How serious a moving image tag is: one answer for manifests, Helm values and compose.

K8S004 (Kubernetes manifests), HELM003 (Helm values, HelmRelease values) and CMP006 (compose)
all ask :func:`moving_tag`, so one container gets one severity whatever file holds it. The
answer depends on four things:

* **the image**: a general-purpose utility image (``busybox``, ``alpine``, ``curlimages/curl``:
  :attr:`ImageRef.utility`), a database or core-infrastructure image (a surprise major version
  can refuse its data), or an application image;
* **the container's role**: ``init`` (runs to completion before the pod starts), ``sidecar``
  (a helper beside the main container: any container but the pod's first or default one, or a
  native sidecar) or ``main``; and whether the workload runs **once** to completion (a Job: its
  main container is a setup step, not a service);
* **whose image it is**: the repository's own build (:mod:`.image_provenance`: the repository
  builds that image name, or its registry namespace is the repository's owner) deployed by a
  moving tag is continuous deployment of the team's own code, not a release stream somebody
  else controls;
* **what it can touch**: a Secret (env ``secretKeyRef``/``envFrom``, a secret volume) or data
  that outlives the pod (a claim, hostPath, NFS...); config and ``emptyDir`` do not count;
* **the tag kind**: none or ``latest`` (nobody chose a version), a bare variant (``alpine``:
  the newest release of that variant), a branch (``main``, ``master``, ``nightly``: every build
  of the branch) or a release channel (``stable``, ``lts``, ``prod``: promoted on purpose);

plus one fact of the runtime: whether it pulls again by itself (Kubernetes does at every
reschedule and on every new node; compose only at an explicit pull, unless ``pull_policy:
always``).

===========================  ==========================  ====================================  ========
image                        role                        tag kind                              severity
===========================  ==========================  ====================================  ========
utility                      init, sidecar, or the main  any                                   low, medium if it touches a Secret or persistent data
                             container of a Job
database / core infra        any                         any                                   high
the repository's own image   any                         any                                   medium, low in a hardened container
                                                                                                   (non-root, read-only root, all
                                                                                                   capabilities dropped) with no Secret
application (or utility      any                         branch, channel                       medium
as the main container)
application                  any                         none, latest, variant                 high where the runtime pulls by itself, else medium
the cluster's own image       any                         any                                   low: OpenShift's ``openshift/*`` ImageStreams in
stream (OpenShift)                                                                                 the internal registry follow the release payload
                                                                                                   and move only with a cluster upgrade
a cluster CLI image           main container of a Job     none, latest, variant                 medium: a vendor's ``oc``/``kubectl`` image
(``ose-cli``, ``kubectl``)                                                                         running a setup step, not a service's data path
version in the repository    any                         none, latest, variant                 low: it moves only within that version, like a
name (``postgresql-10``,                                                                           tag-only pin (rebuilds and errata of one major
``sso74-openshift-rhel8``)                                                                         version); checked before the database rows
===========================  ==========================  ====================================  ========

A version in the repository name (:func:`version_in_name`) is the major version the publisher
ships under that name (Red Hat's ``rhel8/postgresql-10``, ``rh-sso-7/sso74-openshift-rhel8``,
``mysql-80``, ``postgres13``): ``:latest`` there moves through rebuilds of that version only, so
"a surprise major version" cannot happen and the finding is the digest-pinning advice of a
version tag (branch and channel tags keep their row: a stream chosen on purpose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .images import ImageRef, floating_image

if TYPE_CHECKING:
    from ..api import Severity
    from .k8s.objects import Container

#: tags that follow a branch: every push (or every night) of it replaces the image
BRANCH_TAGS = frozenset({"main", "master", "develop", "development", "dev", "trunk", "nightly", "head"})
#: images whose surprise upgrade takes everything down with it (beyond the databases)
CRITICAL_INFRA_IMAGES = (
    "vault", "consul", "keycloak", "traefik", "haproxy", "envoy", "coredns", "bind9", "openldap",
)

ROLES = ("init", "sidecar", "main")

#: the product word of a repository name followed by its version: ``postgresql-10``, ``mysql-80``,
#: ``python-311`` (two words) or ``postgres13``, ``sso74`` (one word); the stem has 3+ letters
_NAME_VERSION_RE = re.compile(r"^([a-z]{3,20})(?:(\d{1,3})(?:[-_.]|$)|[-_](\d{1,3})(?:[-_.]|$))")
#: stems whose digits are part of a protocol or format name, not a release (oauth2-proxy, http2)
_NOT_VERSION_STEMS = frozenset(("oauth", "http", "base", "sha", "ipv", "web", "utf", "ext", "fat", "mqtt", "smb",
                                "ntlm", "cifs", "bzip", "gzip", "xvfb", "ffmpeg", "ssh", "tls", "ssl"))


#: OpenShift's internal registry: its ``openshift`` namespace holds the cluster-managed ImageStreams
_OPENSHIFT_REGISTRY = ("image-registry.openshift-image-registry.svc:5000", "image-registry.openshift-image-registry.svc")
#: the last name of a cluster CLI image: Red Hat's ose-cli / origin-cli, ``cli``, kubectl, oc
_CLI_NAMES = frozenset(("ose-cli", "origin-cli", "cli", "openshift-cli", "kubectl", "oc", "k8s-kubectl"))


def cluster_image_stream(ref: ImageRef) -> bool:
    """``image-registry.openshift-image-registry.svc:5000/openshift/cli:latest``: an ImageStream of the
    cluster's ``openshift`` namespace (``cli``, ``tools``, ``must-gather`` and the samples), which the
    cluster version and samples operators point at the release payload: it moves with a cluster
    upgrade, by design, not when somebody pushes."""
    return (ref.registry or "").lower() in _OPENSHIFT_REGISTRY and ref.repository.lower().startswith("openshift/")


def cli_image(ref: ImageRef) -> bool:
    """A cluster CLI image (``registry.redhat.io/openshift4/ose-cli``, ``bitnami/kubectl``): it runs
    ``oc``/``kubectl`` commands, it serves nothing and keeps no data."""
    return ref.name.lower() in _CLI_NAMES


def version_in_name(ref: ImageRef) -> str | None:
    """The version the repository name carries (``rhel8/postgresql-10`` -> ``postgresql-10``,
    ``sso74-openshift-rhel8`` -> ``sso74``, ``postgres13``), None when it carries none: a moving tag
    of such an image moves only within that version. Only the last path component counts, and
    only its first word (the product): ``rhel8`` after it is the base OS."""
    name = ref.name.lower()[:100]
    match = _NAME_VERSION_RE.match(name)
    if match is None or match.group(1) in _NOT_VERSION_STEMS:
        return None
    digits = match.group(2) or match.group(3)
    return f"{match.group(1)}{'-' if match.group(3) else ''}{digits}"


@dataclass(frozen=True)
class ContainerUse:
    """What a container is in its pod and what it can touch."""

    role: str = "main"      # init | sidecar | main
    secrets: bool = False   # reads a Secret (env secretKeyRef, envFrom secretRef, a secret volume)
    data: bool = False      # mounts data that outlives the pod (a claim, hostPath, NFS...)
    once: bool = False      # the workload runs once to completion (a Job), not a service
    hardened: bool = False  # non-root, read-only root filesystem, every capability dropped, unprivileged
    own: str = ""           # how the image was recognised as the repository's own ("" when it was not)

    def touches(self) -> str:
        parts = (["a Secret"] if self.secrets else []) + (["persistent data"] if self.data else [])
        return " and ".join(parts)


def tag_kind(ref: ImageRef) -> str | None:
    """``none``, ``latest``, ``variant``, ``branch`` or ``channel``; None when the image does not
    float (a version tag, a digest)."""
    if not floating_image(ref):
        return None
    if ref.tag is None or not ref.tag.strip():
        return "none"
    words = [w for w in ref.tag.strip().lower().replace("_", "-").replace(".", "-").split("-") if w]
    head = words[0] if words else ""
    if head == "latest":
        return "latest"
    if head in BRANCH_TAGS:
        return "branch"
    from .images import MOVING_TAGS  # channels: the other named moving tags

    return "channel" if head in MOVING_TAGS else "variant"


def critical_image(ref: ImageRef, databases: tuple[str, ...] | None = None,
                   infra: tuple[str, ...] = CRITICAL_INFRA_IMAGES) -> bool:
    """A system of record (PostgreSQL, MySQL, MongoDB, MinIO...) or core infrastructure
    (Vault, Traefik, CoreDNS...): a new major version behind a moved tag can refuse its data or
    take every route down. Key-value stores, caches, brokers and indexes are rebuilt, not read back."""
    from .datastore import SYSTEMS_OF_RECORD, engine_of, role_of  # local: datastore imports images

    if ref.name.lower() in infra:
        return True
    engine = engine_of(ref, databases) if databases is not None else engine_of(ref)
    return engine is not None and role_of(engine) in SYSTEMS_OF_RECORD


@dataclass(frozen=True)
class MovingTag:
    """The verdict on one floating image reference."""

    ref: ImageRef
    kind: str           # see :func:`tag_kind`
    severity: Severity
    why: str            # why this severity, one clause for the message

    @property
    def tag_text(self) -> str:
        tag = self.ref.tag
        if self.kind == "none":
            return "has no tag (pulls :latest)"
        if self.kind == "latest":
            return f"uses the moving tag :{tag}"
        if self.kind == "variant":
            return f"uses the bare variant tag :{tag} (the newest release of that variant)"
        if self.kind == "branch":
            return f"follows the branch tag :{tag} (every build of that branch replaces it)"
        return f"follows the release channel :{tag} (every promotion replaces it)"

    def describe(self) -> str:
        return f"{self.tag_text}: {self.why}"


def moving_tag(ref: ImageRef, use: ContainerUse | None = None, *, pulls_itself: bool = True,
               critical: bool | None = None) -> MovingTag | None:
    """The severity of a floating image, or None when it does not float.

    ``pulls_itself``: the runtime fetches the tag again without anyone asking (Kubernetes at
    every reschedule or new node; compose with ``pull_policy: always``). ``critical``: the
    domain's own answer to "database or core infrastructure?" (compose knows caches); None asks
    :func:`critical_image`.
    """
    from ..api import Severity

    kind = tag_kind(ref)
    if kind is None:
        return None
    use = use or ContainerUse()
    if ref.utility and (use.role in ("init", "sidecar") or use.once):
        if use.role == "init" or use.role == "sidecar":
            what = "an init container" if use.role == "init" else "a helper container"
            step = "a setup step" if use.role == "init" else "a shell step beside the service"
        else:
            what, step = "a one-shot Job", "a setup step"
        touches = use.touches()
        if touches:
            return MovingTag(ref, kind, Severity.MEDIUM,
                             f"{what} on the general-purpose image {ref.repository} runs {step}, "
                             f"but with access to {touches}, which a changed image would run with")
        return MovingTag(ref, kind, Severity.LOW,
                         f"{what} on the general-purpose image {ref.repository} runs {step}, not the "
                         f"service, and touches no Secret or persistent data")
    if cluster_image_stream(ref):
        return MovingTag(ref, kind, Severity.LOW,
                         "an ImageStream of the cluster's openshift namespace, which the cluster's operators "
                         "point at the release payload: it moves only with a cluster upgrade, matching the "
                         "cluster's version by design")
    if use.once and use.role == "main" and cli_image(ref) and kind in ("none", "latest", "variant"):
        return MovingTag(ref, kind, Severity.MEDIUM,
                         f"a cluster CLI image ({ref.name}) running a one-shot Job's setup step with its service "
                         f"account, not a service or its data; pin it so the step runs the same oc/kubectl "
                         f"tomorrow")
    versioned = version_in_name(ref)
    if versioned is not None and kind in ("none", "latest", "variant"):
        return MovingTag(ref, kind, Severity.LOW,
                         f"the repository name carries the version ({versioned}), so the tag moves only "
                         f"through rebuilds of that version, like a version tag; pin by digest to know "
                         f"exactly which build runs")
    if versioned is None and (critical if critical is not None else critical_image(ref)):
        return MovingTag(ref, kind, Severity.HIGH,
                         "a database or core infrastructure image, where a surprise major version can "
                         "refuse to start on existing data")
    if use.own:
        why = (f"recognised as this repository's own image ({use.own}): your own build deployed by a "
               f"moving tag, so a rollback or reproduction cannot name what ran; pin by digest or a "
               f"version tag your pipeline writes")
        if use.hardened and not use.secrets:
            return MovingTag(ref, kind, Severity.LOW,
                             why + "; the container is hardened (non-root, read-only root, no capabilities) "
                                   "and reads no Secret")
        return MovingTag(ref, kind, Severity.MEDIUM, why)
    if kind in ("branch", "channel"):
        chosen = "a branch" if kind == "branch" else "a release channel"
        return MovingTag(ref, kind, Severity.MEDIUM,
                         f"{chosen} the team chose to follow, a deliberate update stream rather than "
                         f"an unpinned default")
    if pulls_itself:
        return MovingTag(ref, kind, Severity.HIGH,
                         "no version was chosen, and the runtime pulls whatever it names today at "
                         "every reschedule or new node")
    return MovingTag(ref, kind, Severity.MEDIUM,
                     "no version was chosen; it changes at the next explicit pull")


# -- what a container is: Kubernetes manifests ------------------------------------------------

_SECRET_REF_KEYS = ("secretKeyRef", "secretRef")


def _mentions_secret(node: Any, depth: int = 0) -> bool:
    """A ``secretKeyRef``/``secretRef`` anywhere under ``node`` (env, envFrom; bounded)."""
    from .yamlnodes import YList, YMap

    if depth > 12:
        return False
    if isinstance(node, YMap):
        for key, value in node.items():
            if str(key) in _SECRET_REF_KEYS and value:
                return True
            if str(key) not in ("image", "command", "args") and _mentions_secret(value, depth + 1):
                return True
    elif isinstance(node, YList):
        return any(_mentions_secret(item, depth + 1) for item in node)
    return False


def k8s_container_use(container: Container) -> ContainerUse:
    """Role and reach of a container of a Kubernetes workload."""
    from .k8s.objects import is_native_sidecar, keeps_data_on_persistent_volume, pod_volumes, volume_mounts
    from .yamlnodes import YMap

    workload = container.workload
    if container.init:
        role = "sidecar" if is_native_sidecar(container) else "init"
    else:
        default = None
        meta = workload.pod_meta
        annotations = meta.get("annotations") if isinstance(meta, YMap) else None
        if isinstance(annotations, YMap):
            default = annotations.get("kubectl.kubernetes.io/default-container")
        if default:
            role = "main" if container.name == str(default) else "sidecar"
        else:
            role = "main" if container.index == 0 else "sidecar"
    secrets = _mentions_secret(container.node.get("env")) or _mentions_secret(container.node.get("envFrom"))
    if not secrets:
        volumes = pod_volumes(workload)
        for mount in volume_mounts(container):
            entry = volumes.get(str(mount.get("name")))
            if entry is not None and ("secret" in entry[1] or _projected_secret(entry[1])):
                secrets = True
                break
    return ContainerUse(role, secrets, keeps_data_on_persistent_volume(container),
                        once=workload.kind == "Job", hardened=_hardened(container))


def _hardened(container: Container) -> bool:
    """Non-root, read-only root filesystem, every capability dropped, not privileged."""
    security = container.security()
    return (security.runs_as_root is False and security.get("readOnlyRootFilesystem") is True
            and security.get("privileged") is not True and not security.caps_add
            and any(str(cap).upper() == "ALL" for cap in security.caps_drop))


def _projected_secret(volume: Any) -> bool:
    from .yamlnodes import YMap

    projected = volume.get("projected") if isinstance(volume, YMap) else None
    if not isinstance(projected, YMap):
        return False
    return any("secret" in source for _, source in projected.list("sources").maps())


# -- what a container is: Helm values ---------------------------------------------------------
# Charts nest containers in a few shapes: ``initContainers:``/``extraInitContainers:`` lists
# (Bitnami, most charts), ``sidecars:``/``extraContainers:``/``additionalContainers:`` lists, and
# the bjw-s app-template's ``controllers.<c>.containers.<name>`` / ``initContainers.<name>`` maps
# with volumes attached from the top-level ``persistence:`` (``globalMounts``/``advancedMounts``).

_INIT_GROUPS = frozenset({"initcontainers", "initcontainer", "extrainitcontainers", "additionalinitcontainers",
                          "init", "volumepermissions"})
_SIDECAR_GROUPS = frozenset({"sidecars", "sidecar", "extrasidecars", "extracontainers", "additionalcontainers",
                             "extrasidecarcontainers"})
#: volume sources that hold nothing of value beyond the pod (config is read-only and rebuilt)
_EPHEMERAL_SOURCES = frozenset({"emptyDir", "configMap", "downwardAPI", "ephemeral"})
_EPHEMERAL_TYPES = frozenset({"emptydir", "configmap", "downwardapi", "ephemeral"})


def _at(root: Any, path: tuple) -> Any:
    from .yamlnodes import YList, YMap

    node = root
    for part in path:
        if isinstance(node, YMap):
            node = node.get(part)
        elif isinstance(node, YList) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _values_role(root: Any, path: tuple, container: Any) -> str:
    from .yamlnodes import YList, YMap

    for i in range(len(path) - 1, -1, -1):
        part = path[i]
        if not isinstance(part, str):
            continue
        low = part.lower()
        if low in _INIT_GROUPS:
            native = isinstance(container, YMap) and str(container.get("restartPolicy") or "") == "Always"
            return "sidecar" if native else "init"
        if low in _SIDECAR_GROUPS:
            return "sidecar"
        if low == "containers" and i + 1 < len(path):
            group = _at(root, path[: i + 1])
            member = path[i + 1]
            if isinstance(group, YMap):
                first = next(iter(group.keys()), None)
                return "main" if member == first else "sidecar"
            if isinstance(group, YList):
                return "main" if member == 0 else "sidecar"
    return "main"


def _values_volumes(root: Any) -> dict[str, frozenset[str]]:
    """Volumes the values declare (``volumes``/``extraVolumes`` lists): name -> source keys."""
    from .helm import walk  # local: helm imports images, not this module
    from .yamlnodes import YList

    out: dict[str, frozenset[str]] = {}
    for mapping in walk(root):
        for key, value in mapping.items():
            if isinstance(value, YList) and str(key).lower().endswith("volumes"):
                for _, item in value.maps():
                    if item.get("name") is not None:
                        out.setdefault(str(item.get("name")), frozenset(str(k) for k in item if k != "name"))
    return out


def _app_template_mounts(root: Any, path: tuple) -> tuple[bool, bool]:
    """(secrets, data) the app-template ``persistence:`` mounts into the container at ``path``."""
    from .yamlnodes import YMap

    try:
        at = path.index("controllers")
    except ValueError:
        return False, False
    if len(path) < at + 4 or path[at + 2] not in ("containers", "initContainers"):
        return False, False
    controller, name = path[at + 1], path[at + 3]
    persistence = root.get("persistence") if isinstance(root, YMap) else None
    secrets = data = False
    if not isinstance(persistence, YMap):
        return False, False
    for _, item in persistence.items():
        if not isinstance(item, YMap) or item.get("enabled") is False:
            continue
        advanced, general = item.get("advancedMounts"), item.get("globalMounts")
        mounted = bool(general) or (not advanced and general is None)  # neither: every container
        per_controller = advanced.get(controller) if isinstance(advanced, YMap) else None
        if isinstance(per_controller, YMap):
            mounted = mounted or bool(per_controller.get(name))
        if not mounted:
            continue
        kind = str(item.get("type") or "persistentVolumeClaim").lower()
        if kind == "secret":
            secrets = True
        elif kind not in _EPHEMERAL_TYPES:
            data = True
    return secrets, data


def values_container_use(root: Any, image_node: Any, key: str) -> ContainerUse:
    """Role and reach of the container a Helm values image belongs to (``image_node[key]`` is
    its tag, or the image string)."""
    from .yamlnodes import YMap

    base = len(tuple(root.ypath))
    rel = tuple(image_node.ypath)[base:]
    if key == "tag":  # ``<container>.image: {repository, tag}``: the container holds the mapping
        path = rel[:-1] if rel and isinstance(rel[-1], str) and rel[-1].lower().endswith("image") else rel
    else:             # ``<container>.image: repo:tag``
        path = rel
    container = _at(root, path)
    role = _values_role(root, path, container)
    if not isinstance(container, YMap) or not path:
        return ContainerUse(role)
    secrets = _mentions_secret(container.get("env")) or _mentions_secret(container.get("envFrom"))
    data = False
    mounts = container.get("volumeMounts")
    if mounts:
        volumes = _values_volumes(root)
        for _, mount in container.list("volumeMounts").maps():
            sources = volumes.get(str(mount.get("name")))
            if sources is None:
                data = True  # a volume declared elsewhere (the chart's own): assume it holds data
            elif "secret" in sources:
                secrets = True
            elif not sources or not sources <= _EPHEMERAL_SOURCES:
                data = True
    more_secrets, more_data = _app_template_mounts(root, path)
    return ContainerUse(role, secrets or more_secrets, data or more_data)
