"""Node agents (checks/models/k8s/node_agents.py): what host access their job needs, and what the
host-access checks (K8S010, K8S012, K8S017, K8S018) say about it. Each case says "should lower"
or "should keep": a node agent is a DaemonSet (or a static pod) of a known family, the CSI node
shape or one declared node-critical; a Deployment never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import pedantic, write
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.k8s.node_agents import holds_runtime_sockets, node_agent
from auditui.checks.models.k8s.objects import Workload, build_object
from auditui.checks.models.yamlnodes import load_documents

CODES = ("K8S010", "K8S012", "K8S017", "K8S018")


def _scan(root: Path) -> dict[tuple[str, str], list]:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    out: dict[tuple[str, str], list] = {}
    for f in engine.findings:
        if f.code in CODES:
            out.setdefault((f.code, f.resource), []).append(f)
    return out


# should lower: node-exporter's upstream shape (hostPID, read-only /, /sys, /proc), named by a
# label only (the image is a private mirror), in a file with other documents
NODE_EXPORTER = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: metrics}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: host-metrics
  labels: {app.kubernetes.io/component: node-exporter}
spec:
  template:
    spec:
      hostPID: true
      hostNetwork: true
      containers:
        - name: exporter
          image: registry.example.com/mirror/metrics:1.8.2
          volumeMounts:
            - {name: root, mountPath: /host/root, readOnly: true}
            - {name: sys, mountPath: /host/sys, readOnly: true}
      volumes:
        - {name: root, hostPath: {path: /}}
        - {name: sys, hostPath: {path: /sys}}
        - {name: run, hostPath: {path: /var/run}}
"""

# should lower: a CSI node plugin recognised by its shape alone (a registrar flag and the
# kubelet's plugin registry), privileged, writable /dev, pod-level runAsUser 0
CSI_NODE = """\
kind: DaemonSet
apiVersion: apps/v1
metadata: {name: block-node, namespace: storage}
spec:
  template:
    spec:
      securityContext: {runAsUser: 0}
      containers:
        - name: plugin
          image: registry.example.com/block/driver:2.0.0
          securityContext: {privileged: true}
          volumeMounts:
            - {name: dev, mountPath: /dev}
            - {name: kubelet, mountPath: /var/lib/kubelet, mountPropagation: Bidirectional}
        - name: registrar
          image: registry.example.com/block/registrar:2.0.0
          args: ["--kubelet-registration-path=/var/lib/kubelet/plugins/block/csi.sock"]
      volumes:
        - {name: dev, hostPath: {path: /dev}}
        - {name: kubelet, hostPath: {path: /var/lib/kubelet}}
        - {name: registry, hostPath: {path: /var/lib/kubelet/plugins_registry}}
"""

# should keep: the same pod spec as a Deployment is not a node agent
CSI_AS_DEPLOYMENT = CSI_NODE.replace("kind: DaemonSet", "kind: Deployment").replace("block-node", "block-dep")

# should keep: a log shipper mounting the Docker socket read-only (still control of the node),
# and writing the host root from a privileged container (root on every node)
SHIPPER = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs}
spec:
  template:
    spec:
      containers:
        - name: fluent-bit
          image: cr.fluentbit.io/fluent/fluent-bit:3.1.4
          securityContext: {privileged: true}
          volumeMounts:
            - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}
            - {name: root, mountPath: /host}
      volumes:
        - {name: sock, hostPath: {path: /var/run/docker.sock}}
        - {name: root, hostPath: {path: /}}
"""

# should keep privileged (family unknown), should lower hostPID: a DaemonSet declared node-critical
DECLARED = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tuner}
spec:
  template:
    spec:
      hostPID: true
      priorityClassName: system-node-critical
      containers:
        - name: tune
          image: busybox:1.36
          securityContext: {privileged: true}
          volumeMounts: [{name: root, mountPath: /host, readOnly: true}, {name: etc, mountPath: /etc/host}]
      volumes:
        - {name: root, hostPath: {path: /}}
        - {name: etc, hostPath: {path: /etc}}
"""

# should keep: an unknown DaemonSet (no family, no declaration) and a non-static bare Pod
UNKNOWN = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: helper}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: helper, image: "registry.example.com/helper:1.0.0", securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: proxy, namespace: apps}
spec:
  hostNetwork: true
  containers: [{name: kube-proxy, image: "registry.k8s.io/kube-proxy:v1.31.0", securityContext: {privileged: true}}]
"""

# should lower: kube-proxy as a static pod (kube-system), privileged and on the host network
STATIC = """\
apiVersion: v1
kind: Pod
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  hostNetwork: true
  containers: [{name: kube-proxy, image: "registry.k8s.io/kube-proxy:v1.31.0", securityContext: {privileged: true}}]
"""


def _severities(found, code, resource) -> list[Severity]:
    return sorted(f.severity for f in found.get((code, resource), []))


def test_node_exporter_read_only_host_access_is_by_design(tmp_path):
    write(tmp_path, "deploy/monitoring.yaml", NODE_EXPORTER)
    found = _scan(tmp_path)
    mounts = found[("K8S017", "DaemonSet/host-metrics")]
    by_path = {f.evidence: f for f in mounts}
    assert by_path["hostPath: /"].severity is Severity.LOW
    assert by_path["hostPath: /sys"].severity is Severity.LOW
    assert "read-only" in by_path["hostPath: /"].message
    assert "by design for a node agent: node metrics (node-exporter)" in by_path["hostPath: /"].message
    assert "label app.kubernetes.io/component=node-exporter" in by_path["hostPath: /"].message
    # mounted by no container: nothing reads it
    assert by_path["hostPath: /var/run"].severity is Severity.LOW
    assert "mounted by none" in by_path["hostPath: /var/run"].message
    assert _severities(found, "K8S018", "DaemonSet/host-metrics") == [Severity.LOW, Severity.LOW]


def test_csi_node_plugin_is_recognised_by_its_shape(tmp_path):
    write(tmp_path, "deploy/csi.yaml", CSI_NODE + "---\n" + CSI_AS_DEPLOYMENT)
    found = _scan(tmp_path)
    privileged = found[("K8S012", "DaemonSet/block-node/container/plugin")]
    assert [f.severity for f in privileged] == [Severity.MEDIUM]
    assert "by design for a node agent: storage (CSI node plugin)" in privileged[0].message
    mounts = {f.evidence: f.severity for f in found[("K8S017", "DaemonSet/block-node")]}
    assert mounts == {"hostPath: /dev": Severity.MEDIUM, "hostPath: /var/lib/kubelet": Severity.MEDIUM,
                      "hostPath: /var/lib/kubelet/plugins_registry": Severity.LOW}
    assert _severities(found, "K8S010", "DaemonSet/block-node/container/plugin") == [Severity.LOW]
    # the same pod as a Deployment keeps every severity
    assert _severities(found, "K8S012", "Deployment/block-dep/container/plugin") == [Severity.CRITICAL]
    assert {f.evidence: f.severity for f in found[("K8S017", "Deployment/block-dep")]} == {
        "hostPath: /dev": Severity.HIGH, "hostPath: /var/lib/kubelet": Severity.HIGH,
        "hostPath: /var/lib/kubelet/plugins_registry": Severity.HIGH}
    # root in a privileged container adds nothing to K8S012 (critical here): low, pointing at it
    assert _severities(found, "K8S010", "Deployment/block-dep/container/plugin") == [Severity.LOW]


def test_a_node_agent_keeps_sockets_and_a_writable_host_root(tmp_path):
    write(tmp_path, "deploy/logs.yaml", SHIPPER)
    found = _scan(tmp_path)
    mounts = {f.evidence: f for f in found[("K8S017", "DaemonSet/logs")]}
    assert mounts["hostPath: /var/run/docker.sock"].severity is Severity.HIGH
    assert "by design" not in mounts["hostPath: /var/run/docker.sock"].message
    assert mounts["hostPath: /"].severity is Severity.CRITICAL
    assert "writable by a privileged container" in mounts["hostPath: /"].message
    # a log shipper's upstream does not need privileged: it keeps the critical
    assert _severities(found, "K8S012", "DaemonSet/logs/container/fluent-bit") == [Severity.CRITICAL]


def test_a_declared_node_critical_daemonset_of_unknown_family(tmp_path):
    write(tmp_path, "deploy/tuner.yaml", DECLARED)
    found = _scan(tmp_path)
    assert _severities(found, "K8S012", "DaemonSet/tuner/container/tune") == [Severity.CRITICAL]
    assert _severities(found, "K8S018", "DaemonSet/tuner") == [Severity.LOW]
    mounts = {f.evidence: f.severity for f in found[("K8S017", "DaemonSet/tuner")]}
    # read-only root: by design; writable /etc: its family is unknown, so as any workload's
    assert mounts == {"hostPath: /": Severity.LOW, "hostPath: /etc": Severity.HIGH}


def test_unknown_daemonsets_and_bare_pods_keep_their_severity(tmp_path):
    write(tmp_path, "deploy/other.yaml", UNKNOWN)
    found = _scan(tmp_path)
    assert _severities(found, "K8S012", "DaemonSet/helper/container/helper") == [Severity.CRITICAL]
    assert _severities(found, "K8S018", "DaemonSet/helper") == [Severity.HIGH]
    assert _severities(found, "K8S012", "Pod/proxy/container/kube-proxy") == [Severity.CRITICAL]
    assert _severities(found, "K8S018", "Pod/proxy") == [Severity.HIGH]


def test_a_static_kube_proxy_pod_is_a_node_agent(tmp_path):
    write(tmp_path, "deploy/static.yaml", STATIC)
    found = _scan(tmp_path)
    privileged = found[("K8S012", "Pod/kube-proxy/container/kube-proxy")]
    assert [f.severity for f in privileged] == [Severity.MEDIUM]
    assert "node networking" in privileged[0].message
    assert _severities(found, "K8S018", "Pod/kube-proxy") == [Severity.LOW]


def _workload(text: str) -> Workload:
    obj = build_object("x.yaml", load_documents(text)[0].data, 0)
    assert isinstance(obj, Workload)
    return obj


DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: %s}
spec: {template: {spec: {containers: [{name: main, image: "%s"}]}}}
"""


@pytest.mark.parametrize(("name", "image", "role"), [
    ("cadvisor", "gcr.io/cadvisor/cadvisor:v0.49.1", "cAdvisor"),
    ("calico-node", "docker.io/calico/node:v3.28.0", "node networking"),
    ("cilium", "quay.io/cilium/cilium:v1.16.0", "node networking"),
    ("ds", "gcr.io/datadoghq/agent:7.55.0", "log and telemetry"),
    ("promtail", "grafana/promtail:3.0.0", "log and telemetry"),
    ("falco", "falcosecurity/falco-no-driver:0.38.1", "runtime security"),
    ("gpu", "nvcr.io/nvidia/k8s-device-plugin:v0.16.0", "device"),
    ("npd", "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.19", "node health"),
    # families the compose model needed too (one model for both domains: checks/models/node_agents.py)
    ("speaker", "quay.io/frrouting/frr:9.1.0", "BGP routing"),
    ("profiler", "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-ebpf-profiler:0.1",
     "eBPF profiler"),
    ("smart", "quay.io/prometheuscommunity/smartctl-exporter:v0.14.0", "disk health"),
    ("ebs", "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.32.0", "storage"),
    # a mesh's node proxy and CNI agent (Istio ambient), host monitors
    ("ztunnel", "gcr.io/istio-release/ztunnel:1.29.1", "service mesh node proxy"),
    ("istio-cni-node", "gcr.io/istio-release/install-cni:1.29.1", "node networking"),
    ("monitor", "nicolargo/glances:4.3.0-full", "host monitoring"),
    ("beszel", "henrygd/beszel-agent:0.18.7", "host monitoring"),
])
def test_families_by_image(name, image, role):
    agent = node_agent(_workload(DS % (name, image)))
    assert agent is not None and role in agent.role and agent.known


@pytest.mark.parametrize(("image", "privileged"), [
    ("gcr.io/cadvisor/cadvisor:v0.49.1", True), ("registry.k8s.io/kube-proxy:v1.31.0", True),
    ("quay.io/prometheus/node-exporter:v1.8.2", False), ("cr.fluentbit.io/fluent/fluent-bit:3.1.4", False),
    ("registry.k8s.io/nfd/node-feature-discovery:v0.16.0", False),
    ("quay.io/prometheuscommunity/smartctl-exporter:v0.14.0", True), ("quay.io/frrouting/frr:9.1.0", False),
])
def test_only_families_whose_upstream_runs_privileged_say_so(image, privileged):
    agent = node_agent(_workload(DS % ("ds", image)))
    assert agent is not None and agent.privileged_by_design is privileged


@pytest.mark.parametrize(("name", "image"), [
    ("agent", "registry.example.com/agent:3.1.0"),          # a name, not a family
    ("web", "nginx:1.27"),
    ("exporter-ish", "registry.example.com/exporterish:1"),  # no dash-separated family name
])
def test_not_node_agents(name, image):
    assert node_agent(_workload(DS % (name, image))) is None


@pytest.mark.parametrize(("path", "sockets"), [
    ("/var/run", True), ("/run", True), ("/run/containerd", True), ("/var/run/docker/", True),
    ("/run/k3s", True), ("/", False), ("/sys", False), ("/var/run/secrets", False), ("/runner", False),
])
def test_which_read_only_host_dirs_still_hold_runtime_sockets(path, sockets):
    assert holds_runtime_sockets(path) is sockets


def test_a_deployment_running_a_node_agent_image_is_not_a_node_agent():
    text = (DS % ("cadvisor", "gcr.io/cadvisor/cadvisor:v0.49.1")).replace("DaemonSet", "Deployment")
    assert node_agent(_workload(text)) is None
    job = (DS % ("kube-proxy", "registry.k8s.io/kube-proxy:v1.31.0")).replace("apps/v1", "batch/v1").replace(
        "DaemonSet", "Job")
    assert node_agent(_workload(job)) is None


# -- node maintenance and cluster bootstrap: privilege that is the workload's function ----------

# should lower: a DaemonSet placed as a system component whose command changes the node through
# a writable hostPath of / (blacklists kernel modules, unloads them in the host's root)
MAINTENANCE = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: module-guard, namespace: %(ns)s}
spec:
  template:
    spec:
      hostPID: true
%(placement)s      containers:
        - name: guard
          image: registry.example.com/tools/busybox:1.36
          command:
            - /bin/sh
            - -c
            - |
              for mod in esp4 esp6; do
                printf "install %%s /bin/false\\n" "$mod" >> /host/etc/modprobe.d/disable.conf
                chroot /host modprobe -r "$mod" || true
              done
              sleep infinity
          securityContext: {privileged: true}
          volumeMounts: [{name: host-root, mountPath: /host}]
      volumes:
        - {name: host-root, hostPath: {path: /, type: Directory}}
"""
SYSTEM = "      priorityClassName: system-node-critical\n      tolerations: [{operator: Exists}]\n"


def test_node_maintenance_is_privileged_by_design(tmp_path):
    write(tmp_path, "mitigations/guard.yaml", MAINTENANCE % {"ns": "kube-system", "placement": SYSTEM})
    found = _scan(tmp_path)
    privileged = found[("K8S012", "DaemonSet/module-guard/container/guard")]
    assert [f.severity for f in privileged] == [Severity.MEDIUM]
    assert "loads or unloads kernel modules" in privileged[0].message
    assert "pinned" in privileged[0].message
    root = found[("K8S017", "DaemonSet/module-guard")]
    assert [(f.evidence, f.severity) for f in root] == [("hostPath: /", Severity.MEDIUM)]
    assert "by design" in root[0].message and "changes the node through it" in root[0].message


@pytest.mark.parametrize("text", [
    # the same command, but nothing places it as a system component
    MAINTENANCE % {"ns": "apps", "placement": ""},
    # placed as a system component, but its command does nothing to the node
    (MAINTENANCE % {"ns": "kube-system", "placement": SYSTEM}).replace(
        'printf "install %s /bin/false\\n" "$mod" >> /host/etc/modprobe.d/disable.conf', 'echo "$mod"').replace(
        'chroot /host modprobe -r "$mod" || true', 'ls /host/tmp'),
    # an application Deployment with the same command is never node maintenance
    (MAINTENANCE % {"ns": "kube-system", "placement": SYSTEM}).replace("kind: DaemonSet", "kind: Deployment"),
])
def test_privilege_that_is_not_node_maintenance_stays_critical(tmp_path, text):
    write(tmp_path, "deploy/guard.yaml", text)
    found = _scan(tmp_path)
    kind = "Deployment" if "kind: Deployment" in text else "DaemonSet"
    assert _severities(found, "K8S012", f"{kind}/module-guard/container/guard") == [Severity.CRITICAL]
    assert _severities(found, "K8S017", f"{kind}/module-guard") == [Severity.CRITICAL]


# a node installer: a DaemonSet in the product's own namespace (no system placement) whose init
# container enters PID 1's mount namespace to install a package on every node (Longhorn's
# cifs/NFS/iSCSI prerequisites, held-out set 8)
INSTALLER = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cifs-installation, namespace: storage-system}
spec:
  template:
    spec:
      hostNetwork: true
      hostPID: true
      initContainers:
        - name: install
          image: alpine:3.20
          command: [nsenter, --mount=/proc/1/ns/mnt, --, bash, -c, "%(script)s"]
          securityContext: {privileged: true}
      containers:
        - {name: sleep, image: registry.k8s.io/pause:3.10}
"""


@pytest.mark.parametrize(("script", "severity"), [
    ("apt-get update -q -y && sudo apt-get install -q -y cifs-utils", Severity.MEDIUM),
    ("zypper -q install -y open-iscsi", Severity.MEDIUM),
    ("semodule -vi local_longhorn.cil", Severity.MEDIUM),
    ("modprobe iscsi_tcp", Severity.MEDIUM),
    # entering the host to run something else is not a node installer: host root, judged as any workload
    ("curl -fsSL https://example.com/agent.sh | sh", Severity.CRITICAL),
])
def test_a_daemonset_installing_on_the_host_through_nsenter_is_node_maintenance(tmp_path, script, severity):
    write(tmp_path, "deploy/prerequisite/installer.yaml", INSTALLER % {"script": script})
    found = _scan(tmp_path)
    assert _severities(found, "K8S012", "DaemonSet/cifs-installation/container/install") == [severity]
    if severity == Severity.MEDIUM:
        assert "enters the host's namespaces (nsenter)" in found[
            ("K8S012", "DaemonSet/cifs-installation/container/install")][0].message


BOOTSTRAP = """\
apiVersion: batch/v1
kind: Job
metadata: {name: net-install, namespace: %(ns)s}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      tolerations: [{operator: Exists}]
      serviceAccountName: net-install
      hostNetwork: true
      containers:
        - name: install
          image: %(image)s
          command: [%(command)s]
"""


@pytest.mark.parametrize(("ns", "image", "command", "severity"), [
    # should lower: installs the pod network before one exists
    ("kube-system", "quay.io/cilium/cilium-cli:v0.19.7", "cilium, install, --version=v1.16.0", Severity.MEDIUM),
    ("kube-system", "alpine/helm:3.16.2", "helm, upgrade, --install, calico, projectcalico/tigera-operator",
     Severity.MEDIUM),
    # should keep: an install that is not the network has a pod network to use
    ("kube-system", "alpine/helm:3.16.2", "helm, install, shop, ./charts/shop", Severity.HIGH),
    # should keep: nothing is installed
    ("kube-system", "registry.example.com/cilium-probe:1.0", "sh, -c, 'curl -fsS http://cilium-health:4240'",
     Severity.HIGH),
])
def test_a_bootstrap_job_installing_the_network_uses_the_host_network_by_design(tmp_path, ns, image, command,
                                                                                severity):
    write(tmp_path, "bootstrap/net.yaml", BOOTSTRAP % {"ns": ns, "image": image, "command": command})
    found = _scan(tmp_path)
    assert _severities(found, "K8S018", "Job/net-install") == [severity]
    if severity is Severity.MEDIUM:
        assert "by design for cluster bootstrap" in found[("K8S018", "Job/net-install")][0].message


def test_a_network_install_from_a_deployment_or_an_unplaced_job_is_not_bootstrap(tmp_path):
    text = BOOTSTRAP % {"ns": "apps", "image": "quay.io/cilium/cilium-cli:v0.19.7", "command": "cilium, install"}
    write(tmp_path, "a/job.yaml", text.replace("      tolerations: [{operator: Exists}]\n", ""))
    write(tmp_path, "b/dep.yaml", text.replace("kind: Job", "kind: Deployment").replace("batch/v1", "apps/v1")
          .replace("net-install,", "net-dep,"))
    found = _scan(tmp_path)
    assert _severities(found, "K8S018", "Job/net-install") == [Severity.HIGH]
    assert _severities(found, "K8S018", "Deployment/net-dep") == [Severity.HIGH]


# -- cluster-admin for the bootstrap Job that installs the cluster's components ------------------

BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: net-install}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: %(account)s, namespace: kube-system}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: net-install, namespace: kube-system}
---
"""


def _binding_severity(root: Path) -> list[tuple[Severity, str]]:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return [(f.severity, f.message) for f in engine.findings if f.code == "K8S079"]


def test_cluster_admin_held_by_a_bootstrap_job_is_by_design(tmp_path):
    job = BOOTSTRAP % {"ns": "kube-system", "image": "quay.io/cilium/cilium-cli:v0.19.7",
                       "command": "cilium, install"}
    write(tmp_path, "talos/inline/net.yaml", BINDING % {"account": "net-install"} + job)
    [(severity, message)] = _binding_severity(tmp_path)
    assert severity is Severity.MEDIUM
    assert "held by Job/net-install" in message and "by design for cluster bootstrap" in message


@pytest.mark.parametrize("case", ["default account", "a long-running workload", "another file"])
def test_cluster_admin_for_anything_else_stays_high(tmp_path, case):
    job = BOOTSTRAP % {"ns": "kube-system", "image": "quay.io/cilium/cilium-cli:v0.19.7",
                       "command": "cilium, install"}
    if case == "default account":
        write(tmp_path, "a.yaml", BINDING % {"account": "default"} + job.replace("serviceAccountName: net-install",
                                                                                 "serviceAccountName: default"))
    elif case == "a long-running workload":
        write(tmp_path, "a.yaml", BINDING % {"account": "net-install"} + job.replace("kind: Job", "kind: Deployment")
              .replace("batch/v1", "apps/v1"))
    else:  # the Job is elsewhere: auditui does not see that only it holds the account
        write(tmp_path, "a.yaml", BINDING % {"account": "net-install"})
        write(tmp_path, "b.yaml", job)
    assert [s for s, _ in _binding_severity(tmp_path)] == [Severity.HIGH]


# -- compose: node agents and host functions, one model graded apart ------------------------------

def _services(text: str) -> dict:
    from auditui.checks.models.compose import parse

    compose = parse("docker-compose.yml", load_documents(text)).units[0]
    return {service.name: service for service in compose.services}


@pytest.mark.parametrize("service, function", [
    ("image: linuxserver/wireguard:1.0", "a VPN endpoint (it creates interfaces and routes)"),
    ("image: ghcr.io/mailcow/netfilter:1.59", "a host firewall manager (it rewrites the host's packet filter)"),
    ("image: crowdsecurity/crowdsec-firewall-bouncer-iptables:v0.0.28",
     "a host firewall manager (it rewrites the host's packet filter)"),
    ("image: collabora/code:24.04", "Collabora Online (a chroot jail per document)"),
    ("image: nextcloud/aio-collabora:latest", "Collabora Online (a chroot jail per document)"),
    ("build: ./dnsmasq", "a DHCP or PXE boot server (it must hear the LAN's broadcasts)"),
    # should not: a companion of the function, an agent, an unrelated image
    ("image: mivek/fail2ban-exporter:1.0", None),
    ("image: ngoduykhanh/wg-easy-ui:2", None),
    ("image: quay.io/prometheus/node-exporter:v1.8.2", None),
    ("image: postgres:16", None),
])
def test_host_function_is_known_by_its_image_or_its_built_name(service, function):
    from auditui.checks.models.node_agents import host_function, service_agent

    name = "dnsmasq" if service.startswith("build") else "svc"
    found = host_function(_services(f"services:\n  {name}:\n    {service}\n")[name])
    assert (found.family.role if found else None) == function
    if found is not None:
        assert found.reason().startswith(f"by design for {function}, recognised by ")
        assert service_agent(_services(f"services:\n  {name}:\n    {service}\n")[name]) is None


def test_a_built_service_is_a_host_function_by_its_name_but_never_an_agent():
    from auditui.checks.models.node_agents import HOST_NETWORK, host_function, service_agent

    services = _services("services:\n  dnsmasq: {build: ./dnsmasq}\n  node-exporter: {build: ./ne}\n")
    assert host_function(services["dnsmasq"]).needs(HOST_NETWORK)
    assert service_agent(services["node-exporter"]) is None
    assert host_function(services["node-exporter"]) is None
