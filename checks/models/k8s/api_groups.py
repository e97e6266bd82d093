"""What an API group is, for RBAC: one Kubernetes serves itself, or a custom resource group, and
which custom resource groups let whoever writes their objects run anything in the cluster.

A wildcard over a custom resource group (``apiGroups: [k8s.cni.cncf.io]``, ``resources: ['*']``)
usually is an operator's or a plug-in's grant on its own objects: it reaches no Secret, no pod
and no other group.  Some groups are different: their objects *are* deployments - a Flux
``Kustomization`` or ``HelmRelease`` applies whatever its source holds with the controller's
rights, an Argo CD ``Application`` or a Crossplane composition does the same, and many
operators' objects carry a pod template or a container list that their controller runs as
written.  Full control of those is full control of what runs, and is judged as such.
"""

from __future__ import annotations

#: custom resource groups whose objects deploy, build or run arbitrary workloads, and why
#: (exact group names)
WORKLOAD_GROUPS: dict[str, str] = {
    **dict.fromkeys(("kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io"),
                    "Flux applies what its objects point to with the controller's rights"),
    "source.toolkit.fluxcd.io": "Flux sources decide what content Flux deploys",
    "image.toolkit.fluxcd.io": "Flux image automation commits to the Git repository it deploys from",
    "fluxcd.controlplane.io": "a FluxInstance installs and configures Flux itself",
    "argoproj.io": "Argo CD Applications deploy anything, Argo Workflows and Rollouts run pod templates",
    "tekton.dev": "Tekton TaskRuns and PipelineRuns run arbitrary containers",
    "kubevirt.io": "KubeVirt VirtualMachines run arbitrary machines on the nodes",
    "keda.sh": "KEDA ScaledJobs carry a pod template",
    "serving.knative.dev": "Knative Services carry a pod template",
    "apps.kruise.io": "OpenKruise workloads carry pod templates",
    "batch.volcano.sh": "Volcano Jobs carry pod templates",
    "ray.io": "Ray clusters and jobs carry pod templates",
    "kubeflow.org": "Kubeflow jobs carry pod templates",
    "monitoring.coreos.com": "Prometheus and Alertmanager objects add containers and volumes to the pods the operator runs",
    "actions.summerwind.dev": "runner deployments carry a pod template",
    "actions.github.com": "runner scale sets carry a pod template",
    "jobset.x-k8s.io": "JobSets carry pod templates",
    "helm.cattle.io": "HelmChart objects install any chart",
    "fleet.cattle.io": "Fleet bundles deploy anything",
    "kapp.k14s.io": "kapp-controller Apps deploy anything",
    "packaging.carvel.dev": "kapp-controller packages deploy anything",
    "kyverno.io": "Kyverno policies can generate and mutate any object, pods included",
    "external-secrets.io": "ExternalSecrets copy any secret the store holds into the cluster",
    "bitnami.com": "SealedSecrets become Secrets of any name",
}
#: suffixes of groups of that kind (every Crossplane group provisions infrastructure or
#: composes arbitrary objects; Cluster API groups create machines)
WORKLOAD_GROUP_SUFFIXES: dict[str, str] = {
    "crossplane.io": "Crossplane objects provision infrastructure and compose arbitrary resources",
    "upbound.io": "Crossplane provider objects provision infrastructure",
}


def is_builtin_group(group: str) -> bool:
    """A group the Kubernetes API server (or a ``*.k8s.io`` SIG project) serves: the core group
    ``""``, unqualified names (``apps``, ``batch``, ``policy``) and ``*.k8s.io`` groups; ``*``
    stands for all of them."""
    group = group.strip()
    return group in ("", "*") or "." not in group or group == "k8s.io" or group.endswith(".k8s.io")


def deploys_workloads(group: str) -> str | None:
    """Why full control of a custom resource group means running arbitrary workloads (None: it
    does not, as far as auditui knows)."""
    group = group.strip().lower()
    found = WORKLOAD_GROUPS.get(group)
    if found is not None:
        return found
    for suffix, why in WORKLOAD_GROUP_SUFFIXES.items():
        if group == suffix or group.endswith("." + suffix):
            return why
    return None


def custom_groups_only(groups: list[str] | tuple[str, ...]) -> bool:
    """Every group is named and a custom resource group (no core, no ``*``, no built-in group)."""
    return bool(groups) and not any(is_builtin_group(g) for g in groups)
