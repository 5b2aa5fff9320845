"""The deployment files, checked without Docker or a cluster: HAProxy's own config check, the
compose file against haproxy.cfg, the Kubernetes manifests against the bundled API schemas."""

import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from deploy.cluster import HAPROXY_CFG, haproxy_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S_VERSION = "1.30.0"  # the oldest Kubernetes the manifests promise to work on


def _check(haproxy: str, text: str, tmp_path: Path) -> str:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    out = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


def test_haproxy_config_is_valid_as_shipped_and_for_loopback_replicas(haproxy, tmp_path):
    _check(haproxy, HAPROXY_CFG.read_text(), tmp_path)
    text = haproxy_config([("r1", 8601), ("r2", 8602), ("r3", 8603)])
    _check(haproxy, text, tmp_path)
    servers = [line.split() for line in text.splitlines() if line.strip().startswith("server ")]
    assert [s[1:5] for s in servers] == [[f"r{i}", f"127.0.0.1:860{i}", "cookie", f"r{i}"] for i in (1, 2, 3)]


def test_haproxy_config_says_what_the_issue_asks():
    lines = [line.split("#")[0].strip() for line in HAPROXY_CFG.read_text().splitlines()]
    assert "balance leastconn" in lines
    assert any(x.startswith("cookie BLREPLICA insert indirect nocache") for x in lines)  # affinity by cookie
    assert "option httpchk GET /_stcore/health" in lines and "http-check expect string ok" in lines
    assert any(x.startswith("timeout tunnel") for x in lines)  # websockets outlive timeout client/server
    assert "option redispatch" in lines  # a learner whose replica died lands on a live one
    assert not any("balance source" in x or "hash-type" in x for x in lines)  # a class behind one NAT


def test_compose_runs_the_replicas_haproxy_cfg_names():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    replicas = sorted(name for name in services if name != "haproxy")
    servers = [line.split() for line in HAPROXY_CFG.read_text().splitlines() if line.strip().startswith("server ")]
    assert replicas == sorted(s[1] for s in servers) and len(replicas) >= 2
    assert all(s[2] == f"{s[1]}:8501" for s in servers)
    for name in replicas:
        svc = services[name]
        assert svc["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert "STREAMLIT_SERVER_COOKIE_SECRET" in svc["environment"]  # one secret for all of them
    assert len({str(services[n]["environment"]) for n in replicas}) == 1
    proxy = services["haproxy"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]
    assert proxy["ports"] == ["8501:8501"] and set(proxy["depends_on"]) == set(replicas)


def test_dockerfile_serves_the_app_on_the_port_compose_and_kubernetes_use():
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    assert next(x for x in lines if x and not x.startswith("#")).startswith("FROM python:3.11")
    assert "EXPOSE 8501" in lines
    cmd = next(x for x in lines if x.startswith("CMD ["))
    assert "app.py" in cmd and "--server.port=8501" in cmd and "--server.address=0.0.0.0" in cmd
    assert any(x.startswith("HEALTHCHECK") for x in lines) and any(x.startswith("USER ") for x in lines)
    for line in lines:  # everything it copies exists
        if line.startswith("COPY ") and not line.startswith("COPY . "):
            assert (DEPLOY.parent / line.split()[1]).exists(), line


def _manifests():
    return [(f.name, doc) for f in sorted((DEPLOY / "k8s").glob("*.yaml")) for doc in yaml.safe_load_all(f.read_text())]


@pytest.mark.parametrize("name,doc", _manifests(), ids=lambda x: x if isinstance(x, str) else "")
def test_kubernetes_manifest_matches_the_api_schema(name, doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises with the field at fault


def test_kubernetes_objects_fit_together():
    docs = {doc["kind"]: doc for _, doc in _manifests()}
    assert set(docs) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}
    dep, svc, ing, hpa = docs["Deployment"], docs["Service"], docs["Ingress"], docs["HorizontalPodAutoscaler"]
    pod = dep["spec"]["template"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert svc["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    app = pod["spec"]["containers"][0]
    assert app["ports"][0]["containerPort"] == 8501 and svc["spec"]["ports"][0]["targetPort"] == app["ports"][0]["name"]
    assert app["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert app["resources"]["limits"]["cpu"] == "1"  # one replica, one core: what the pace plans for
    assert any(e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET" and "secretKeyRef" in e["valueFrom"] for e in app["env"])
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]
    assert ing["metadata"]["annotations"]["haproxy.org/cookie-persistence"]  # cookie affinity
    assert hpa["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
