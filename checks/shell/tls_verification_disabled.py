"""SH015: a script turns off TLS certificate verification."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from ..api import Category, Check, Finding, Severity
from ..models.addresses import is_loopback
from ..models.shell import ShellScript

CHECK = Check(
    code="SH015",
    name="tls-verification-disabled",
    title="Script turns off TLS certificate verification",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl -k`, `wget --no-check-certificate`, `--insecure-skip-tls-verify` and variables "
        "such as `GIT_SSL_NO_VERIFY` or `NODE_TLS_REJECT_UNAUTHORIZED=0` accept any "
        "certificate, so anyone on the network path (a hostile Wi-Fi, a compromised proxy, DNS "
        "spoofing) can answer instead of the real server: hand the script a different binary, "
        "read the credentials it sends, or feed the cluster a different API server. In a "
        "deploy or backup script that usually means production credentials."
    ),
    remediation=(
        "Remove the flag or variable and fix what made verification fail: install the "
        "internal CA (`--cacert`, `update-ca-certificates`, `NODE_EXTRA_CA_CERTS`, "
        "`GIT_SSL_CAINFO`), or correct the hostname the certificate was issued for.",
        "For Kubernetes, give kubectl/helm the cluster's CA (`certificate-authority-data` in the kubeconfig).",
    ),
    effort="1h",
    references=(
        "https://curl.se/docs/sslcerts.html",
        "https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpsslVerify",
    ),
)

#: environment variables that switch verification off, and the values that do
_ENV_OFF = {
    "GIT_SSL_NO_VERIFY": {"1", "true", "yes"},
    "NODE_TLS_REJECT_UNAUTHORIZED": {"0"},
    "PYTHONHTTPSVERIFY": {"0"},
    "VAULT_SKIP_VERIFY": {"1", "true", "yes"},
    "CONSUL_HTTP_SSL_VERIFY": {"0", "false"},
}
#: flags that switch verification off whatever the program (kubectl, helm, oc, argocd,
#: podman/buildah/skopeo, aws, vault/consul/nomad)
_OFF_FLAGS = ("--tls-verify=false", "--tlsverify=false", "--src-tls-verify=false", "--dest-tls-verify=false",
              "--skip-tls-verify", "--no-verify-ssl", "-tls-skip-verify", "--tls-skip-verify")


def _curl_insecure(argv: tuple[str, ...]) -> str | None:
    for word in argv[1:]:
        if word in ("--insecure", "--proxy-insecure"):
            return word
        if word.startswith("-") and not word.startswith("--") and "k" in word[1:] and word[1:].isalpha():
            return word
    return None


def _finding_text(seg) -> str | None:
    """What in this simple command turns verification off, if anything."""
    name, argv, words = seg.name, seg.argv, seg.words
    if name == "curl":
        flag = _curl_insecure(argv)
        if flag:
            return f"curl {flag}"
    if name == "wget" and "--no-check-certificate" in argv:
        return "wget --no-check-certificate"
    for word in argv[1:]:
        if word.startswith(("--insecure-skip-tls-verify", "--kube-insecure-skip-tls-verify")) \
                and not word.endswith("=false"):
            return f"{name} {word}"  # kubectl, helm, oc, argocd...
        if word.lower() in _OFF_FLAGS:
            return f"{name} {word}"
    if name == "git":
        for index, word in enumerate(argv[1:], 1):
            key, _, value = word.replace(" ", "").lower().partition("=")
            # http.sslVerify, or scoped to one URL: http.https://git.internal/.sslVerify
            if not (key.startswith("http.") and key.endswith("sslverify")):
                continue
            if value in ("false", "0"):
                return "git -c http.sslVerify=false"
            if not value and index + 1 < len(argv) and argv[index + 1].lower() in ("false", "0"):
                return "git config http.sslVerify false"
    if name in ("npm", "yarn", "pnpm"):
        if ("strict-ssl" in argv and "false" in argv) or any(
                w.lower() in ("strict-ssl=false", "--strict-ssl=false") for w in argv):
            return f"{name} config set strict-ssl false"
    if (name in ("pip", "pip3") or "pip" in argv[:3]) and any(
            w == "--trusted-host" or w.startswith("--trusted-host=") for w in argv):
        return "pip --trusted-host"  # pip skips the certificate check for that host
    for word in words:
        key, sep, value = word.partition("=")
        if sep and key in _ENV_OFF and value.strip("'\"").lower() in _ENV_OFF[key]:
            return f"{key}={value}"
    return None




def _loopback_only(seg) -> bool:
    """Every address the command names is a loopback one (``curl -k https://localhost:8443/health``):
    no network path to impersonate the server on, whatever the certificate."""
    hosts = [urlsplit(word).hostname or "" for word in seg.argv[1:]
             if "://" in word and word.split("://", 1)[0].isalpha()]
    # 0.0.0.0 as a destination is the machine itself (bound, it would mean every interface)
    return bool(hosts) and all(is_loopback(h) or h == "0.0.0.0" for h in hosts)


@CHECK.on(ShellScript)
def tls_verification_disabled(script: ShellScript) -> Iterator[Finding]:
    for command in script.commands:
        for seg in command.segments:
            what = _finding_text(seg)
            if what and not _loopback_only(seg):
                yield CHECK.finding(
                    command.at(seg), resource=script.resource, symbol=(what,), repeats=(what,),
                    message=f"`{what}` turns off certificate verification: anyone on the network path can "
                            f"impersonate the server",
                    evidence=command.evidence,
                )
                break
