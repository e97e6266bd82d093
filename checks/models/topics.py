"""Fact topics: every topic's name, and what its facts hold (one frozen dataclass per topic).

Parsers emit ``Fact(TOPIC, key, line, ypath, TopicData(...))``; repository checks read
named fields (``fact.data.replicas``): a misspelt field is an AttributeError (and a mypy
error), never a silent None.  A field a parser leaves out is None.  Containers are frozen
on construction so facts compare and hash by value: lists become tuples, dicts become
sorted ``((key, value), ...)`` tuples (read them back with ``dict(fact.data.labels)``),
sets become sorted tuples.

``k8s:<Kind>`` and ``k8s-patch:<Kind>`` are families: ``K8S.of("Deployment")`` is the
topic ``"k8s:Deployment"``.  CONTRIBUTING.md's topic table is :func:`markdown_table`
(a test keeps the two equal).
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar, Generic, TypeVar, dataclass_transform

Pairs = tuple[tuple[str, Any], ...]  # a frozen dict: sorted (key, value) pairs


def freeze(value: Any) -> Any:
    """Lists -> tuples, dicts -> sorted (key, value) tuples, sets -> sorted tuples (recursively)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value


_CONTAINERS = (list, tuple, dict, set, frozenset)


class FactData:
    """The details of one fact; each topic subclasses it with :func:`fact_data`."""

    #: who emits the topic, for the documentation table
    emitted_by: ClassVar[str] = ""
    _fields: ClassVar[frozenset[str]] = frozenset()
    _names: ClassVar[tuple[str, ...]] = ()

    _frozen: ClassVar[type] = object  # the class fact_data made (assignment to its instances is refused)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return cls._names

    # What ``dataclass(frozen=True)`` would generate for each class, written once: equality and
    # hashing by the tuple of field values in order, the dataclass ``repr``, and no assignment.
    _values: ClassVar[Callable[[Any], tuple[Any, ...]]] = staticmethod(lambda self: ())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            values = self.__class__._values
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.__class__._values(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        if type(self) is self._frozen or name in self._fields:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is self._frozen or name in self._fields:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)


T = TypeVar("T", bound=type)


@dataclass_transform(kw_only_default=True, frozen_default=True)
def fact_data(cls: T) -> T:
    """A frozen, keyword-only dataclass whose fields all default to None, built fast.

    Parsers make many facts on a cold scan, and a frozen dataclass's generated
    ``__init__`` sets every field through ``object.__setattr__`` (41 of them for a
    Kubernetes object): this one stores only the fields given, freezes containers, and
    leaves the rest to the class defaults.  Equality, hashing, ``repr`` and the refusal
    to assign behave as the frozen dataclass's, from methods :class:`FactData` writes once:
    ``dataclass`` compiles each generated method from source, five per class, which cost
    importing the 55 topics 34 ms (18 ms now; load 7).
    """
    cls = dataclass(init=False, repr=False, eq=False)(cls)  # type: ignore[assignment]  # the same class, made a dataclass
    names = tuple(f.name for f in dataclasses.fields(cls))
    for f in dataclasses.fields(cls):
        if f.default is not None:
            raise TypeError(f"{cls.__name__}.{f.name}: fact fields default to None")
    known = frozenset(names)

    def __init__(self: Any, **values: Any) -> None:
        if not known.issuperset(values):
            unknown = ", ".join(sorted(set(values) - known))
            raise TypeError(f"{type(self).__name__} has no field {unknown} (see models/topics.py)")
        store = self.__dict__
        for name, value in values.items():
            if value is not None:
                store[name] = freeze(value) if isinstance(value, _CONTAINERS) else value

    cls.__init__ = __init__  # type: ignore[misc]
    cls._fields = known  # type: ignore[attr-defined]
    cls._names = names  # type: ignore[attr-defined]
    cls._frozen = cls  # type: ignore[attr-defined]
    # the field values as a tuple, read in C (attrgetter of one name gives the bare value)
    cls._values = staticmethod(attrgetter(*names) if len(names) > 1  # type: ignore[attr-defined]
                               else (lambda obj: (getattr(obj, names[0]),)) if names else (lambda obj: ()))
    return cls


D = TypeVar("D", bound=FactData)


class Topic(str, Generic[D]):
    """A topic name (a plain string for the index) tied to the dataclass its facts hold."""

    schema: type[D]
    key: str

    def __new__(cls, name: str, schema: type[D], key: str = "") -> Topic[D]:
        topic = str.__new__(cls, name)
        topic.schema = schema
        topic.key = key
        return topic

    def __reduce__(self):  # pickled as its name, schema and key (a scan's workers send facts back)
        return (Topic, (str(self), self.schema, self.key))


class TopicFamily(Generic[D]):
    """Topics named ``<prefix><Kind>`` that share one dataclass (``k8s:Deployment``...)."""

    def __init__(self, prefix: str, schema: type[D], key: str = "") -> None:
        self.prefix = prefix
        self.schema = schema
        self.key = key

    def of(self, kind: str) -> Topic[D]:
        return Topic(f"{self.prefix}{kind}", self.schema, self.key)

    def __contains__(self, topic: object) -> bool:
        return isinstance(topic, str) and topic.startswith(self.prefix)


# -- Kubernetes (models/k8s/facts.py, models/k8s/devhosts.py, models/k8s/patches.py) --------------


@fact_data
class K8sObjectData(FactData):
    """One Kubernetes object (``k8s:<Kind>``) or a partial workload a patch file holds
    (``k8s-patch:<Kind>``, only name/namespace/labels/api/replicas/settings)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    name: str | None = None
    namespace: str | None = None
    labels: Pairs | None = None
    api: str | None = None
    # workloads
    images: tuple[str, ...] | None = None
    main_images: tuple[str, ...] | None = None
    servers: tuple[str, ...] | None = None
    caches: tuple[str, ...] | None = None
    persistent_servers: tuple[str, ...] | None = None  # server images that mount a persistent volume
    pod_labels: Pairs | None = None
    replicas: int | None = None
    replicas_line: int | None = None
    claims: tuple | None = None  # (claim, line, ypath, read_only)
    claim_templates: tuple[str, ...] | None = None  # a StatefulSet's volumeClaimTemplates (inventory)
    strategy: str | None = None
    no_surge: bool | None = None
    backup: bool | None = None  # a Job/CronJob that takes a backup
    settings: tuple | None = None  # patches: (container or "", (settings...))
    # selectors
    selector: Pairs | None = None
    label_selector: Pairs | None = None  # match_labels, match_expressions
    namespace_selectors: tuple | None = None  # (line, ypath, label selector)
    # operator-managed stores
    members: int | None = None
    members_line: int | None = None
    members_ypath: tuple | None = None
    #: an operator store whose data is on ephemeral storage (models/k8s/operators.py)
    members_ephemeral: bool | None = None
    store_backup: bool | str | None = None  # True/False, or "unknown"
    #: labels the operator puts on the store's pods and claims (models/k8s/backups.py)
    store_labels: Pairs | None = None
    # backups (models/k8s/backups.py): what a Velero/k8up backup selects, the hosts a backup
    # job dumps, the label keys a Zalando operator configuration copies to pods and claims
    backup_scope: Pairs | None = None
    dump_hosts: tuple[str, ...] | None = None
    inherited_labels: tuple[str, ...] | None = None
    backup_target: str | None = None  # the operator store a scheduled backup resource names
    # Services
    exposure: str | None = None
    exposure_line: int | None = None
    exposure_ypath: tuple | None = None
    ports: tuple | None = None
    internal_lb: bool | None = None
    source_ranges: bool | None = None
    lb_private_ip: str | None = None  # the private address(es) a LoadBalancer asks for (K8S080)
    # storage, autoscaling, ingress, certificates, RBAC, Prometheus
    access_modes: tuple[str, ...] | None = None
    target: str | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    tls: bool | None = None
    annotations: tuple[str, ...] | None = None
    tls_elsewhere: str | None = None  # Ingress: why it is HTTPS without a tls section (models/k8s/ingress.py)
    hosts: tuple[str, ...] | None = None
    rules_line: int | None = None
    rules_ypath: tuple | None = None
    #: Ingress: the HTTP paths its rules route, when every rule routes named paths (None: some rule,
    #: or a default backend, routes everything)
    paths: tuple[str, ...] | None = None
    tls_secrets: tuple[str, ...] | None = None
    secret_name: str | None = None
    rules: tuple | None = None  # Roles: each rule as Pairs
    aggregated: bool | None = None
    role_ref: str | None = None
    subjects: tuple[str, ...] | None = None
    # Gateway API (models/gateway_api.py)
    listeners: tuple | None = None  # Gateway: (name, protocol, port, hostname, line, ypath)
    parents: tuple | None = None  # HTTPRoute: (namespace, gateway, sectionName, port)
    hostnames: tuple[str, ...] | None = None
    redirect_https: bool | None = None  # HTTPRoute: every rule redirects to https
    scrape_configs: bool | None = None
    # exposure of credentials (models/k8s/exposure.py)
    backends: tuple | None = None  # routes: (namespace, Service) they send traffic to
    secret_refs: tuple | None = None  # workloads: (Secret, key, variable, container) their pods read
    endpoints: tuple | None = None  # workloads: (container, variable, host) of settings naming a host
    node_network: bool | None = None  # workloads: hostNetwork or a hostPort
    #: ConfigMaps: Dex static password users ((config key, line, email, inline hash?, env variable, index), ...)
    static_logins: tuple | None = None
    #: Secrets: keys whose value is a bcrypt hash ((key, line), ...)
    hashes: tuple | None = None


K8S: TopicFamily[K8sObjectData] = TopicFamily("k8s:", K8sObjectData, "namespace/name")
K8S_PATCH: TopicFamily[K8sObjectData] = TopicFamily("k8s-patch:", K8sObjectData, "namespace/name")


@fact_data
class WorkloadPodData(FactData):
    """One pod template with containers: its service account and token automount."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    resource: str | None = None
    service_account: str | None = None
    automount: bool | None = None
    automount_line: int | None = None
    scrape: bool | None = None


@fact_data
class WorkloadImageData(FactData):
    """One container image (``patch``: set by an overlay patch)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    image: str | None = None
    resource: str | None = None
    init: bool | None = None
    patch: bool | None = None
    #: the container's role (``init``, ``sidecar``, ``main``) and what it can touch (models/moving_tags.py)
    role: str | None = None
    secrets: bool | None = None
    data: bool | None = None
    #: the workload runs once to completion (a Job); the container is hardened (models/moving_tags.py)
    once: bool | None = None
    hardened: bool | None = None


@fact_data
class WorkloadServiceAccountData(FactData):
    """One ServiceAccount and whether it mounts its token."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    name: str | None = None
    namespace: str | None = None
    automount: bool | None = None


@fact_data
class WorkloadEnvData(FactData):
    """A variable a manifest sets in a container's ``env`` (the key is its name)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"


@fact_data
class WorkloadEnvFromData(FactData):
    """A container that takes variables from a ConfigMap/Secret (``envFrom``)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"


@fact_data
class WorkloadDevhostData(FactData):
    """A development-only host (localhost, ``*.local``...) in an env value, an arg or ConfigMap data."""

    emitted_by: ClassVar[str] = "`models/k8s/devhosts.py`"
    host: str | None = None
    category: str | None = None
    where: str | None = None
    resource: str | None = None
    snippet: str | None = None
    multiline: bool | None = None
    shared_loopback: bool | None = None
    bind: bool | None = None
    connection: bool | None = None


WORKLOAD_POD: Topic[WorkloadPodData] = Topic("workload:pod", WorkloadPodData, "namespace/Kind/name")
WORKLOAD_IMAGE: Topic[WorkloadImageData] = Topic("workload:image", WorkloadImageData, "owner/container")
WORKLOAD_SA: Topic[WorkloadServiceAccountData] = Topic("workload:sa", WorkloadServiceAccountData, "namespace/name")
WORKLOAD_ENV: Topic[WorkloadEnvData] = Topic("workload:env", WorkloadEnvData, "variable")
WORKLOAD_ENV_FROM: Topic[WorkloadEnvFromData] = Topic("workload:env-from", WorkloadEnvFromData, "owner/container")
WORKLOAD_DEVHOST: Topic[WorkloadDevhostData] = Topic("workload:devhost", WorkloadDevhostData, "owner#ypath#host")


@fact_data
class KustomizationData(FactData):
    """A kustomization file: what it builds."""

    emitted_by: ClassVar[str] = "`models/k8s/parse.py`"
    resources: tuple[str, ...] | None = None
    components: tuple[str, ...] | None = None
    #: the other local files it reads (patches, generator sources...), as written
    reads: tuple[str, ...] | None = None


@fact_data
class KustomizeImagesData(FactData):
    """A kustomization's ``images:`` overrides: (name, newName, newTag, digest)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    images: tuple[tuple[str, str, str, str], ...] | None = None


@fact_data
class KustomizeDetailsData(FactData):
    """A kustomization's secret generators, replica overrides and patches."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py`"
    secret_generators: tuple | None = None  # each as Pairs: name, line, ypath, literals, files
    replicas: tuple | None = None  # (name, count, line, ypath)
    patch_replicas: tuple | None = None  # (kind, name, count, line, ypath)
    patch_settings: tuple | None = None  # (kind, name, ((container, settings), ...))
    patch_files: tuple | None = None  # (file, target kind, target name)


@fact_data
class KustomizeReplacementData(FactData):
    """One target of a kustomization's ``replacements`` entry: the objects it selects and the
    field paths it overwrites with a value copied from ``source``."""

    emitted_by: ClassVar[str] = "`models/k8s/patchrefs.py`"
    kind: str | None = None
    name: str | None = None
    field_paths: tuple[str, ...] | None = None
    source: str | None = None
    defined_in: str | None = None  # the kustomization, or the file its `- path:` entry names


@fact_data
class KustomizeJson6902Data(FactData):
    """A file of JSON6902 operations: the counts it sets by JSON pointer, the settings it adds."""

    emitted_by: ClassVar[str] = "`models/k8s/patches.py`"
    counts: tuple | None = None
    settings: tuple | None = None


@fact_data
class KustomizeImageData(FactData):
    """One entry of a kustomization's ``images:`` (with where its ``newTag`` is)."""

    emitted_by: ClassVar[str] = "`models/gitops.py`"
    name: str | None = None
    new_name: str | None = None
    new_tag: str | None = None
    digest: str | None = None
    tag_line: int | None = None


@fact_data
class VendoredFileData(FactData):
    """A file that is a vendored upstream bundle (see models/vendored.py); the key is its path."""

    emitted_by: ClassVar[str] = "`models/k8s/parse.py` (models/vendored.py)"
    component: str | None = None
    version: str | None = None
    reason: str | None = None
    resources: tuple[str, ...] | None = None
    signature: str | None = None


KUSTOMIZATION: Topic[KustomizationData] = Topic("kustomization", KustomizationData, "path")
KUSTOMIZE_IMAGES: Topic[KustomizeImagesData] = Topic("kustomize:images", KustomizeImagesData, "path")
KUSTOMIZE_DETAILS: Topic[KustomizeDetailsData] = Topic("kustomize:details", KustomizeDetailsData, "path")
KUSTOMIZE_JSON6902: Topic[KustomizeJson6902Data] = Topic("kustomize:json6902", KustomizeJson6902Data, "path")
KUSTOMIZE_REPLACEMENT: Topic[KustomizeReplacementData] = Topic("kustomize:replacement", KustomizeReplacementData, "path")
KUSTOMIZE_IMAGE: Topic[KustomizeImageData] = Topic("kustomize:image", KustomizeImageData, "path#ypath")
VENDORED_FILE: Topic[VendoredFileData] = Topic("vendored:file", VendoredFileData, "path")


# -- compose, Dockerfiles, workflows ----------------------------------------------------------


@fact_data
class ComposeServiceData(FactData):
    """One compose service: its image or build, environment, user and data store."""

    emitted_by: ClassVar[str] = "`models/compose.py`"
    image: str | None = None
    build: bool | None = None
    build_files: tuple | None = None
    env: tuple | None = None
    run_as: tuple | None = None
    store: tuple | None = None
    #: jobs a scheduler runs in or for this service, from its labels (ofelia, chadburn,
    #: deck-chores): (label, command) pairs
    jobs: tuple | None = None
    mounts: tuple | None = None  # (type, target) of each volume it mounts: bind, volume (inventory)
    published: tuple | None = None  # (port as written, on every host interface) of each published port
    #: (env file, variable, exposed, note, guards, fronted) for each variable it takes from an env
    #: file or ``.env``: whether what that variable opens is reachable from beyond the host (None:
    #: cannot tell), the clause saying why, whether a service of the file checks it, and the
    #: published service in front of this one (``models/compose.py``: ``Reach``)
    env_reach: tuple | None = None
    #: a framework debug switch its ``environment:`` writes on beside a production setting:
    #: (KEY, framework, setting, line, ypath, exposed, published service in front)
    debug_in_production: tuple | None = None


@fact_data
class DockerBaseData(FactData):
    """One ``FROM`` image of a Dockerfile stage (the key is the image)."""

    emitted_by: ClassVar[str] = "`models/dockerfile.py`"
    stage: str | None = None
    tag: str | None = None
    digest: str | None = None
    final: bool | None = None
    scratch: bool | None = None


@fact_data
class DockerFileData(FactData):
    """One Dockerfile: its final stage's base, user, healthcheck, ports and context copies."""

    emitted_by: ClassVar[str] = "`models/dockerfile.py`"
    base: str | None = None
    stages: int | None = None
    final_user: str | None = None
    healthcheck: bool | None = None
    exposes: tuple | None = None
    context_copy: tuple | None = None
    run_as: tuple | None = None


@fact_data
class DockerignoreData(FactData):
    """A ``.dockerignore`` file's patterns."""

    emitted_by: ClassVar[str] = "`checks/dockerfile/__init__.py`"
    #: (negated, pattern) of each rule, in order
    patterns: tuple[tuple[bool, str], ...] | None = None


@fact_data
class WorkflowData(FactData):
    """One GitHub Actions workflow."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    name: str | None = None
    triggers: tuple[str, ...] | None = None
    jobs: int | None = None
    deploys: bool | None = None
    #: repositories (``owner/name``, lower case) the workflow compares ``github.repository`` to
    repo_names: tuple[str, ...] | None = None
    #: what it names by a remote name with a path (``owner/name/path``: actions in sub-folders,
    #: reusable workflows), lower-case owner/name: evidence of which repository this is
    remote_paths: tuple[str, ...] | None = None


@fact_data
class WorkflowImageBuildData(FactData):
    """A workflow job that builds a container image (``tags``: the names it gives it, literal ones)."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    job: str | None = None
    context: str | None = None
    dockerfile: str | None = None
    push: bool | None = None
    tags: tuple | None = None


@fact_data
class WorkflowComposeUpData(FactData):
    """A compose file a workflow job brings up on its own runner (``docker compose -f FILE up``,
    ``run``, ``create``, ``start``; the file named literally, through the step's ``env:`` or
    ``COMPOSE_FILE``): ``deploys``, the job looks like a deployment; ``hosted``, every runner it may
    run on lacks the ``self-hosted`` label (a fresh machine, the stack lives as long as the job)."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    job: str | None = None
    file: str | None = None
    deploys: bool | None = None
    hosted: bool | None = None


@fact_data
class WorkflowReusableData(FactData):
    """A reusable workflow (``on: workflow_call``): what its jobs do with the caller's token."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    #: jobs that set no permissions (nor does the workflow): they run with what the caller grants
    inheriting: tuple[str, ...] | None = None
    #: the write scopes those jobs visibly use; None when one of them may use any
    used: tuple[str, ...] | None = None
    #: reusable workflows of this repository those jobs call in turn (they pass the grant on)
    calls: tuple[str, ...] | None = None
    #: write scopes the workflow or its jobs declare themselves (``*`` for write-all): a caller must grant them
    declared: tuple[str, ...] | None = None
    #: privileged events (of a caller) whose pull request head a step checks out or fetches
    head_events: tuple[str, ...] | None = None
    #: the first such step, as a label (``step 'checkout' of job 'test'``)
    head_step: str | None = None
    #: inputs the workflow checks out or fetches (``ref: ${{ inputs.ref }}``)
    checkout_inputs: tuple[str, ...] | None = None


@fact_data
class WorkflowCallData(FactData):
    """A job that calls a reusable workflow: of this repository (``uses: ./.github/workflows/x.yml``),
    or by a remote name (``remote``), which may turn out to be this repository."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    job: str | None = None
    #: the called file, repository-relative
    target: str | None = None
    #: the write scopes the call passes (``*`` for write-all); None under the default token permissions
    writes: tuple[str, ...] | None = None
    #: ``job`` or ``workflow``: where the scopes are granted, and that grant's line and symbolic path
    grant: str | None = None
    grant_line: int | None = None
    grant_ypath: tuple | None = None
    #: scopes GHA003 already reports at that workflow-level grant (another job shows no use of them)
    reported: tuple[str, ...] | None = None
    triggers: tuple[str, ...] | None = None
    outsider: tuple[str, ...] | None = None
    inherit_secrets: bool | None = None
    #: ``secrets: inherit`` or named secrets
    passes_secrets: bool | None = None
    #: the caller's privileged triggers (pull_request_target, workflow_run, ...)
    privileged: tuple[str, ...] | None = None
    #: the job's ``if:`` admits only pull requests from this repository or its members
    trusted_only: bool | None = None
    #: ``with:`` inputs whose value names the pull request head of one of those triggers
    head_inputs: tuple[str, ...] | None = None
    #: what admits only maintainers' requests when no head guard does (a member's comment, a preceding
    #: job's permission check): the head can still change after the request
    member_gate: str | None = None
    #: a call by remote name (``owner/name/.github/workflows/x.yml@ref``, ``target`` None): the
    #: repository (lower case), the file in it and the ref; read only when it is this repository
    remote: str | None = None
    remote_path: str | None = None
    remote_ref: str | None = None


@fact_data
class WorkflowPrJobData(FactData):
    """A job that runs for pull requests (``events``), not limited to same-repository ones:
    the runner label sets it may run on (``label_sets``: one per matrix run; a ``*`` stands
    for what an expression fills in), and its ``runs-on`` (line, end line, ypath) for GHA012."""

    emitted_by: ClassVar[str] = "`models/workflow.py`"
    job: str | None = None
    label: str | None = None
    resource: str | None = None
    events: tuple[str, ...] | None = None
    label_sets: tuple | None = None
    end_line: int | None = None
    evidence: str | None = None


@fact_data
class RunnerScaleSetData(FactData):
    """A GitHub Actions runner the repository defines, addressed by name or labels: an Actions
    Runner Controller scale set (a release of the ``gha-runner-scale-set`` chart, an
    ``AutoscalingRunnerSet``) or a legacy ARC ``RunnerDeployment``/``RunnerSet``.  ``names``:
    the labels a job's ``runs-on`` names it by (``*`` where a ``${VAR}`` is substituted)."""

    emitted_by: ClassVar[str] = "`models/gitops.py`"
    names: tuple[str, ...] | None = None
    resource: str | None = None


COMPOSE_SERVICE: Topic[ComposeServiceData] = Topic("compose:service", ComposeServiceData, "service name")
DOCKER_BASE: Topic[DockerBaseData] = Topic("docker:base", DockerBaseData, "image")
DOCKER_FILE: Topic[DockerFileData] = Topic("docker:file", DockerFileData, "path")
DOCKERIGNORE: Topic[DockerignoreData] = Topic("dockerignore", DockerignoreData, "path")
WORKFLOW: Topic[WorkflowData] = Topic("workflow", WorkflowData, "path")
WORKFLOW_IMAGE_BUILD: Topic[WorkflowImageBuildData] = Topic("workflow:image-build", WorkflowImageBuildData, "job")
WORKFLOW_COMPOSE_UP: Topic[WorkflowComposeUpData] = Topic("workflow:compose-up", WorkflowComposeUpData, "path#job#file")
WORKFLOW_REUSABLE: Topic[WorkflowReusableData] = Topic("workflow:reusable", WorkflowReusableData, "path")
WORKFLOW_CALL: Topic[WorkflowCallData] = Topic("workflow:call", WorkflowCallData, "path#job")
WORKFLOW_PR_JOB: Topic[WorkflowPrJobData] = Topic("workflow:pr-job", WorkflowPrJobData, "path#job")
RUNNER_SCALE_SET: Topic[RunnerScaleSetData] = Topic("gha:runner-set", RunnerScaleSetData, "path#ypath")


# -- scripts, env files, source --------------------------------------------------------------


@fact_data
class ShellBackupData(FactData):
    """A command in a script that takes a backup (``local``: it is written on the host and
    kept there; ``handed_off``: the same script later archives it with a backup tool or copies
    it to a place it cannot tell is this host, so it is not known to stay only here)."""

    emitted_by: ClassVar[str] = "`models/shell.py`"
    tool: str | None = None
    local: bool | None = None
    streamed: bool | None = None
    text: str | None = None
    handed_off: bool | None = None


@fact_data
class ShellDataCopyData(FactData):
    """A backup step in a script that copies a container's data directory or a volume out as
    files (``docker cp db:/var/lib/postgresql/data``): a backup, but not a consistent one."""

    emitted_by: ClassVar[str] = "`models/shell.py`"
    source: str | None = None
    text: str | None = None


@fact_data
class ShellOffsiteData(FactData):
    """A script, or a program named for backups, that ships backups off the host."""

    emitted_by: ClassVar[str] = "`models/shell.py`, `checks/shell/__init__.py`"


@fact_data
class ShellRetentionData(FactData):
    """A script that prunes old backups."""

    emitted_by: ClassVar[str] = "`models/shell.py`"


@fact_data
class ShellDeployData(FactData):
    """A deploy script."""

    emitted_by: ClassVar[str] = "`models/shell.py`"


@fact_data
class ShellCloudData(FactData):
    """A script or workflow that drives cloud CLIs (``mutating``: the ones it changes things
    with) or deploys with a cloud's deploy action (``actions``, workflows)."""

    emitted_by: ClassVar[str] = "`models/shell.py`, `models/workflow.py`"
    clis: tuple[str, ...] | None = None
    mutating: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None


@fact_data
class ShellPrivdropData(FactData):
    """An entrypoint script that steps down from root (gosu, su-exec...), or a daemon
    configuration that names its run user (clamd.conf ``User``, a supervisord program's ``user=``)."""

    emitted_by: ClassVar[str] = "`checks/shell/__init__.py`, `checks/dockerfile/__init__.py` (models/users.py)"
    tool: str | None = None


@fact_data
class EnvKeyData(FactData):
    """A variable an env file sets (``example``: an example file)."""

    emitted_by: ClassVar[str] = "`models/envfile.py`"
    example: bool | None = None
    empty: bool | None = None
    commented: bool | None = None  # ``# KEY=value`` in an example file: documented, left unset
    #: each assignment of the key holding a secret (not in example files):
    #: (line, end_line, kind, purpose, phrase, redacted evidence, label) from the secrets model;
    #: kind ``placeholder``: a placeholder that works as written (a secret where a service checks it)
    secrets: tuple | None = None
    #: the key switches a framework's debug mode on in a file that also declares production:
    #: (framework, the production setting as written, e.g. ``APP_ENV=production``)
    debug_in_production: tuple | None = None


@fact_data
class CodeEnvReadData(FactData):
    """A variable application code reads (``default``: it has a fallback)."""

    emitted_by: ClassVar[str] = "`models/source.py`"
    lang: str | None = None
    default: bool | None = None


@fact_data
class ImageUseData(FactData):
    """An image a script builds (``docker build -t NAME DIR``) or runs (``docker run --rm NAME``);
    ``once``: run on demand and removed (``--rm``, not detached)."""

    emitted_by: ClassVar[str] = "`models/shell.py` (models/image_uses.py)"
    verb: str | None = None
    image: str | None = None
    once: bool | None = None
    context: str | None = None
    dockerfile: str | None = None


@fact_data
class BuildArtifactsData(FactData):
    """A local build tool's config (Skaffold): the image names it builds and substitutes into
    manifests at deploy time, so a manifest's ``image: frontend`` is a placeholder."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/build_tools.py)"
    tool: str | None = None
    images: tuple | None = None


@fact_data
class DocReadmeData(FactData):
    """A folder's README whose first heading (or lead) calls the folder a demo, example, sample or tutorial;
    ``title``: the heading, or the lead's sentence that says so."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/usage_docs.py)"
    says: str | None = None
    title: str | None = None
    #: the heading of a section that brings the folder's compose file up on a developer's machine
    #: (``## Running the app locally`` ... ``docker compose up``)
    local_run: str | None = None


@fact_data
class SecretLiteralsData(FactData):
    """A ``data``/``stringData`` block of a Secret manifest that commits secret values: which keys,
    redacted evidence, the worst value's severity and a digest (a hash, never the values) equal in
    every copy of the same values."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py` (models/k8s/secret_literals.py)"
    resource: str | None = None
    field: str | None = None
    names: tuple | None = None
    evidence: str | None = None
    severity: str | None = None
    weak: bool | None = None
    digest: str | None = None
    patch: bool | None = None
    end_line: int | None = None
    #: (key, kind, purpose, label) of each secret value: the verdict's parts, never the value
    verdicts: tuple | None = None
    namespace: str | None = None


@fact_data
class SecretInlineData(FactData):
    """A secret written inline where secrets do not belong (K8S024): a container's ``env`` value, a
    ConfigMap key, a ``configMapGenerator`` literal, a KeycloakUser's password. The verdict's parts
    (never the value) and, for a container, the workload that holds it (models/k8s/exposure.py)."""

    emitted_by: ClassVar[str] = "`models/k8s/facts.py` (models/k8s/secret_literals.py)"
    resource: str | None = None
    message: str | None = None
    evidence: str | None = None
    kind: str | None = None
    purpose: str | None = None
    label: str | None = None
    name: str | None = None
    end_line: int | None = None
    #: the URL's host when the secret is a URL's password
    host: str | None = None
    #: True: what it opens is published by purpose (an identity provider's login)
    exposed: bool | None = None
    #: the workload holding it: Kind/name, namespace, pod labels, on the node's network
    workload: str | None = None
    namespace: str | None = None
    pod_labels: Pairs | None = None
    node_network: bool | None = None
    #: words of what program the workload runs; (variable, host) settings beside it; a database image
    words: tuple | None = None
    endpoints: tuple | None = None
    store: bool | None = None


@fact_data
class DocProjectData(FactData):
    """The repository's own README when its lead (title and first paragraph) presents the whole
    repository as a sample, demo or tutorial application (``X is a sample web app that ...``)."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/usage_docs.py)"
    says: str | None = None
    #: the sentence that says it, shortened
    phrase: str | None = None


@fact_data
class DocDeclaredData(FactData):
    """A file whose leading comment declares what it is for: development, test or example use
    (``# This configuration file is for the development setup``, ``# not for production``), or an env
    file whose settings name a development or test environment (``_APP_ENV=development``)."""

    emitted_by: ClassVar[str] = "`checks/parse.py`, `models/envfile.py` (models/usage_docs.py)"
    #: the context it declares: development, test or example
    context: str | None = None
    #: the words that say it, shortened
    phrase: str | None = None
    #: "setting" when a setting of the file says it (``NODE_ENV=development``); None: its leading comment
    source: str | None = None


@fact_data
class DocScaleData(FactData):
    """The repository's own README when its title or lead declares a home lab or personal
    infrastructure (``configuration for my homelab``, ``# Khue's Homelab``): the scale that
    availability-only findings are rated at (checks/availability.py)."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/usage_docs.py)"
    #: what it declares: ``home-lab``
    scale: str | None = None
    #: the words that say it, shortened
    phrase: str | None = None


@fact_data
class DocBackupData(FactData):
    """A documentation page (under ``doc/``, ``docs/``, a wiki, or named for backups) with a section
    about backups (``## Backups``, ``# Compose: Backups``, ``## Backup model``): the repository
    documents a backup procedure its operators follow by hand, which auditui cannot check is followed."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/usage_docs.py)"
    #: the section's heading, shortened
    heading: str | None = None


@fact_data
class AnsiblePlayData(FactData):
    """An Ansible playbook: the roles it applies to the machine running it and to inventory hosts
    (``""`` among ``remote_roles``: a play for inventory hosts with tasks only)."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py` (models/usage_docs.py)"
    local_roles: tuple | None = None
    remote_roles: tuple | None = None


SECRET_LITERALS: Topic[SecretLiteralsData] = Topic("secret:literals", SecretLiteralsData, "resource#field")
SECRET_INLINE: Topic[SecretInlineData] = Topic("secret:inline", SecretInlineData, "resource#ypath")
DOC_README: Topic[DocReadmeData] = Topic("doc:readme", DocReadmeData, "path")
DOC_PROJECT: Topic[DocProjectData] = Topic("doc:project", DocProjectData, "path")
DOC_DECLARED: Topic[DocDeclaredData] = Topic("doc:declared", DocDeclaredData, "path")
DOC_SCALE: Topic[DocScaleData] = Topic("doc:scale", DocScaleData, "path")
DOC_BACKUP: Topic[DocBackupData] = Topic("doc:backup", DocBackupData, "path")
BUILD_ARTIFACTS: Topic[BuildArtifactsData] = Topic("build:artifacts", BuildArtifactsData, "path")
ANSIBLE_PLAY: Topic[AnsiblePlayData] = Topic("ansible:play", AnsiblePlayData, "path")
SHELL_BACKUP: Topic[ShellBackupData] = Topic("shell:backup", ShellBackupData, "path")
SHELL_DATA_COPY: Topic[ShellDataCopyData] = Topic("shell:data-copy", ShellDataCopyData, "path")
IMAGE_USE: Topic[ImageUseData] = Topic("image:use", ImageUseData, "path#line")
SHELL_OFFSITE: Topic[ShellOffsiteData] = Topic("shell:offsite", ShellOffsiteData, "path")
SHELL_RETENTION: Topic[ShellRetentionData] = Topic("shell:retention", ShellRetentionData, "path")
SHELL_DEPLOY: Topic[ShellDeployData] = Topic("shell:deploy", ShellDeployData, "path")
SHELL_CLOUD: Topic[ShellCloudData] = Topic("shell:cloud", ShellCloudData, "path")
SHELL_PRIVDROP: Topic[ShellPrivdropData] = Topic("shell:privdrop", ShellPrivdropData, "path")
ENV_KEY: Topic[EnvKeyData] = Topic("env:key", EnvKeyData, "variable")
CODE_ENV_READ: Topic[CodeEnvReadData] = Topic("code:env-read", CodeEnvReadData, "variable")


# -- what the repository installs from elsewhere, CI and IaC ------------------------------------


@fact_data
class CiData(FactData):
    """A CI pipeline other than GitHub Actions, known by name."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py`"
    tool: str | None = None


@fact_data
class IacData(FactData):
    """Infrastructure as code: a file known by name (``tool``) or a script that applies it (``source``)."""

    emitted_by: ClassVar[str] = "`checks/repo/__init__.py`, `models/shell.py`"
    tool: str | None = None
    source: str | None = None


@fact_data
class InstallData(FactData):
    """Something the repository installs from outside: a chart, a remote base, a manifest URL."""

    emitted_by: ClassVar[str] = "`models/gitops.py`, `models/helm.py`"
    via: str | None = None
    names: tuple[str, ...] | None = None
    chart: str | None = None
    chart_ref: tuple | None = None
    repo: str | None = None
    url: str | None = None
    version: str | None = None
    version_line: int | None = None
    has_version: bool | None = None
    release: str | None = None
    namespace: str | None = None
    source_ref: tuple | None = None
    field: str | None = None
    hint: str | None = None
    local: bool | None = None


@fact_data
class GitopsSourceData(FactData):
    """A Flux source (GitRepository, HelmRepository, OCIRepository...)."""

    emitted_by: ClassVar[str] = "`models/gitops.py`"
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    names: tuple[str, ...] | None = None
    url: str | None = None
    oci: bool | None = None
    helm_chart: bool | None = None
    ref: str | None = None
    ref_kind: str | None = None
    ref_line: int | None = None
    ref_ypath: tuple | None = None


@fact_data
class GitopsSyncData(FactData):
    """A GitOps controller's sync: a Flux Kustomization or an Argo CD Application."""

    emitted_by: ClassVar[str] = "`models/gitops.py`"
    controller: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    names: tuple[str, ...] | None = None
    repo: str | None = None
    path: str | None = None
    path_line: int | None = None
    revision: str | None = None
    revision_line: int | None = None
    revision_ypath: tuple | None = None
    has_revision: bool | None = None
    source_ref: tuple | None = None
    target_namespace: str | None = None
    #: a Flux Kustomization's ``postBuild.substitute``: (name, value) pairs written as text
    substitute: tuple[tuple[str, str], ...] | None = None
    #: whether ``path`` was written (a Flux Kustomization without one syncs its source's root)
    has_path: bool | None = None


@fact_data
class HelmChartData(FactData):
    """A ``Chart.yaml`` (the key is the chart's directory)."""

    emitted_by: ClassVar[str] = "`models/helm.py`"
    path: str | None = None
    name: str | None = None
    api: str | None = None
    version: str | None = None
    app_version: str | None = None
    library: bool | None = None
    deps: tuple | None = None


@fact_data
class HelmRequirementsData(FactData):
    """A Helm 2 ``requirements.yaml`` (the key is the chart's directory)."""

    emitted_by: ClassVar[str] = "`models/helm.py`"
    path: str | None = None
    deps: tuple | None = None


@fact_data
class HelmLockData(FactData):
    """A chart's ``Chart.lock``/``requirements.lock`` (the key is the chart's directory)."""

    emitted_by: ClassVar[str] = "`checks/helm/__init__.py`"
    path: str | None = None


@fact_data
class HelmTemplateData(FactData):
    """A chart template auditui does not render (the key is the chart's directory)."""

    emitted_by: ClassVar[str] = "`checks/parse.py`"
    path: str | None = None
    app_version: bool | None = None
    #: it names a GitOps kind (an Argo CD Application, a Flux Kustomization or HelmRelease): what it
    #: deploys is known only once rendered
    deploys: bool | None = None


@fact_data
class HelmValuesData(FactData):
    """A values file: which sections it leaves empty and which it sets."""

    emitted_by: ClassVar[str] = "`models/helm.py`"
    dir: str | None = None
    empty_tags: tuple | None = None
    empty_resources: tuple | None = None
    empty_security: tuple | None = None
    set_resources: tuple | None = None
    set_security: tuple | None = None
    #: postgres-operator chart values: the label keys the operator copies to a cluster's pods and
    #: claims (``configKubernetes.inherited_labels``; models/k8s/backups.py)
    inherited_labels: tuple[str, ...] | None = None


@fact_data
class HelmSingleInstanceData(FactData):
    """A database section of Helm values set to one instance (``architecture: standalone``,
    ``replicaCount: 1``), with the names the chart's workload may have (read by HELM007)."""

    emitted_by: ClassVar[str] = "`models/helm.py`"
    origin: str | None = None
    resource: str | None = None
    chart: str | None = None
    setting: str | None = None
    value: str | None = None
    end_line: int | None = None
    names: tuple | None = None


CI: Topic[CiData] = Topic("ci", CiData, "path")
HELM_SINGLE_INSTANCE: Topic[HelmSingleInstanceData] = Topic(
    "helm:single-instance", HelmSingleInstanceData, "path#ypath")
IAC: Topic[IacData] = Topic("iac", IacData, "path")
INSTALL: Topic[InstallData] = Topic("install", InstallData, "path#ypath")
GITOPS_SOURCE: Topic[GitopsSourceData] = Topic("gitops:source", GitopsSourceData, "Kind/namespace/name")
GITOPS_SYNC: Topic[GitopsSyncData] = Topic("gitops:sync", GitopsSyncData, "path#ypath")
@fact_data
class GitopsPlaceholderSecretData(FactData):
    """A Secret whose values are all placeholders, and whether a GitOps controller skips it."""

    emitted_by: ClassVar[str] = "`models/gitops.py`"
    name: str | None = None
    namespace: str | None = None
    keys: tuple[str, ...] | None = None
    value_line: int | None = None
    reconcile: str | None = None
    argo: str | None = None


GITOPS_PLACEHOLDER_SECRET: Topic[GitopsPlaceholderSecretData] = Topic(
    "gitops:placeholder-secret", GitopsPlaceholderSecretData, "path#document/name")
HELM_CHART: Topic[HelmChartData] = Topic("helm:chart", HelmChartData, "chart directory")
HELM_REQUIREMENTS: Topic[HelmRequirementsData] = Topic("helm:requirements", HelmRequirementsData, "chart directory")
HELM_LOCK: Topic[HelmLockData] = Topic("helm:lock", HelmLockData, "chart directory")
HELM_TEMPLATE: Topic[HelmTemplateData] = Topic("helm:template", HelmTemplateData, "chart directory")
HELM_VALUES: Topic[HelmValuesData] = Topic("helm:values", HelmValuesData, "path")


# -- Terraform (models/terraform.py) -------------------------------------------------------------


@fact_data
class TfFileData(FactData):
    """A Terraform file (``.tf``) or variable file (``.tfvars``): its positioned blocks and
    attributes (``models/hcl.py``), read by the Terraform checks through ``models/terraform_eval.py``."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    dir: str | None = None
    vars: bool | None = None  # a variable file (.tfvars)
    blocks: tuple | None = None  # hcl.Block records
    attrs: tuple | None = None  # hcl.Attr records (variable files)
    root: bool | None = None  # holds a backend/cloud block or provider configuration
    lock: bool | None = None  # the dependency lock file (.terraform.lock.hcl): no blocks


@fact_data
class TfVarData(FactData):
    """One value a variable file (``.tfvars``) sets: read one by one (``index.fact_in``), so a
    module's checks re-run when a value they used changes, not on every edit of the file."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    name: str | None = None
    attr: Any = None  # the hcl.Attr (expression and lines)


@fact_data
class TfModuleCallData(FactData):
    """A ``module`` block: where its code comes from (``target``: the directory of a local source)."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    name: str | None = None
    source: str | None = None
    version: str | None = None
    target: str | None = None  # local sources: the module's directory in the repository
    origin: str | None = None  # local, registry, git, http, s3, gcs, other


@fact_data
class TfResourceData(FactData):
    """A resource worth an inventory line: a data store, bucket, cluster, registry, DNS zone,
    log or backup plan... (``category``; ``engine`` when a literal says it)."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    type: str | None = None
    name: str | None = None
    category: str | None = None
    engine: str | None = None
    dir: str | None = None
    provider: str | None = None
    #: a flow log: the ``aws_vpc.<name>`` of its own module it logs, "?" when it logs something
    #: the file does not name (a VPC from a data source, a module output, remote state)
    target: str | None = None


@fact_data
class TfBackendData(FactData):
    """Where a root module keeps its state: ``backend "<type>"``, ``cloud`` (HCP Terraform)."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    type: str | None = None
    dir: str | None = None
    line: int | None = None


@fact_data
class TfTerragruntData(FactData):
    """A ``terragrunt.hcl`` unit whose ``terraform.source`` is a directory of the repository
    (``target``); the inputs it gives that module are not read."""

    emitted_by: ClassVar[str] = "`models/terraform.py`"
    dir: str | None = None
    source: str | None = None
    target: str | None = None


TF_FILE: Topic[TfFileData] = Topic("tf:file", TfFileData, "path")
TF_VAR: Topic[TfVarData] = Topic("tf:var", TfVarData, "path#name")
TF_MODULE_CALL: Topic[TfModuleCallData] = Topic("tf:module", TfModuleCallData, "path#name")
TF_RESOURCE: Topic[TfResourceData] = Topic("tf:resource", TfResourceData, "path#type.name")
TF_BACKEND: Topic[TfBackendData] = Topic("tf:backend", TfBackendData, "path")
TF_TERRAGRUNT: Topic[TfTerragruntData] = Topic("tf:terragrunt", TfTerragruntData, "path")


# -- the catalogue -------------------------------------------------------------------------


def all_topics() -> list[Topic | TopicFamily]:
    """Every topic and topic family defined here, in the order above."""
    return [value for value in globals().values() if isinstance(value, (Topic, TopicFamily))]


def schema_of(topic: str) -> type[FactData] | None:
    """The dataclass facts of ``topic`` hold (None for a topic nobody defined)."""
    for entry in all_topics():
        if isinstance(entry, TopicFamily):
            if topic in entry:
                return entry.schema
        elif entry == topic:
            return entry.schema
    return None


def markdown_table() -> str:
    """The topic table of CONTRIBUTING.md (a test keeps them equal)."""
    rows = ["| topic | key | emitted by | fields |", "|---|---|---|---|"]
    for entry in all_topics():
        name = f"`{entry.prefix}<Kind>`" if isinstance(entry, TopicFamily) else f"`{entry}`"
        schema = entry.schema
        fields = ", ".join(schema.field_names()) or "(none)"
        rows.append(f"| {name} | {entry.key} | {schema.emitted_by} | `{schema.__name__}`: {fields} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # python -m auditui.checks.models.topics
    print(markdown_table(), end="")
