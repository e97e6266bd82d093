"""K8S086: Gateway API listeners and routes that serve plain HTTP, severity by host name."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.checks.models.gateway_api import internal_host


def _gateway(name: str, hostname: str | None, annotations: str = "") -> str:
    host = f", hostname: {hostname!r}" if hostname else ""
    return f"""apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: {name}}}
spec:
  gatewayClassName: cilium{annotations}
  listeners: [{{name: http, protocol: HTTP, port: 80{host}}}]
"""


def test_severity_follows_the_host_names_and_the_load_balancer(tmp_path: Path):
    internal_lb = "\n  infrastructure:\n    annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internal}"
    cluster_ip = "\n  infrastructure:\n    annotations: {networking.istio.io/service-type: ClusterIP}"
    docs = [_gateway("public", "shop.example.org"), _gateway("no-host", None), _gateway("lan", "*.home.arpa"),
            _gateway("private-lb", "shop.example.org", internal_lb), _gateway("mesh", "api.example.org", cluster_ip),
            _gateway("rilb", "shop.example.org").replace("cilium", "gke-l7-rilb")]
    (tmp_path / "gateways.yaml").write_text("---\n".join(docs))
    engine = Engine(tmp_path)
    engine.scan()
    found = {f.resource: f.severity.name.lower() for f in engine.findings if f.code == "K8S086"}
    assert found == {"Gateway/public": "high", "Gateway/no-host": "medium", "Gateway/lan": "low",
                     "Gateway/private-lb": "low", "Gateway/mesh": "low", "Gateway/rilb": "low"}


def test_a_redirect_route_added_later_quiets_the_gateway(tmp_path: Path):
    (tmp_path / "gateway.yaml").write_text(_gateway("edge", "shop.example.org"))
    engine = Engine(tmp_path)
    engine.scan()
    assert [f.resource for f in engine.findings if f.code == "K8S086"] == ["Gateway/edge"]
    route = tmp_path / "redirect.yaml"
    route.write_text("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: to-https}
spec:
  parentRefs: [{name: edge}]
  rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]}]
""")
    engine.update([route])
    assert [f for f in engine.findings if f.code == "K8S086"] == []


@pytest.mark.parametrize(("host", "internal"), [
    ("shop.example.org", False), ("*.example.org", False), ("grafana.home.arpa", True), ("api.svc.cluster.local", True),
    ("10.0.0.12", True), ("8.8.8.8", False), ("intranet", True), ("printer.lan", True),
])
def test_internal_host_names(host, internal):
    assert internal_host(host) is internal
