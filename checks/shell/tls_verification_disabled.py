"""SH015: a script turns off TLS certificate verification."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
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
}


def _curl_insecure(argv: tuple[str, ...]) -> str | None:
    for word in argv[1:]:
        if word in ("--insecure", "--proxy-insecure"):
            return word
        if word.startswith("-") and not word.startswith("--") and "k" in word[1:] and word[1:].isalpha():
            return word
    return None


def _finding_text(seg) -> str | None:
    """What in this simple command turns verification off, if anything."""
    name, argv = seg.name, seg.argv
    if name == "curl":
        flag = _curl_insecure(argv)
        if flag:
            return f"curl {flag}"
    if name == "wget" and "--no-check-certificate" in argv:
        return "wget --no-check-certificate"
    for word in argv[1:]:
        if word.startswith("--insecure-skip-tls-verify") and not word.endswith("=false"):
            return f"{name} {word}"  # kubectl, helm, oc, argocd...
        if word in ("--tls-verify=false", "--tlsverify=false", "--skip-tls-verify", "--no-verify-ssl"):
            return f"{name} {word}"  # podman/buildah/skopeo, aws cli
    if name == "git":
        for index, word in enumerate(argv[1:], 1):
            if word.replace(" ", "").lower() in ("http.sslverify=false", "http.sslverify=0"):
                return "git -c http.sslVerify=false"
            if word.lower() == "http.sslverify" and index + 1 < len(argv) and argv[index + 1].lower() in ("false", "0"):
                return "git config http.sslVerify false"
    if name in ("npm", "yarn", "pnpm") and "strict-ssl" in argv and "false" in argv:
        return f"{name} config set strict-ssl false"
    for word in seg.words:
        key, sep, value = word.partition("=")
        if sep and key in _ENV_OFF and value.strip("'\"").lower() in _ENV_OFF[key]:
            return f"{key}={value}"
    return None


@CHECK.on(ShellScript)
def tls_verification_disabled(script: ShellScript) -> Iterator[Finding]:
    for command in script.commands:
        for seg in command.segments:
            what = _finding_text(seg)
            if what:
                yield CHECK.finding(
                    command.pos, resource=f"script/{script.name}", symbol=(what,),
                    message=f"`{what}` turns off certificate verification: anyone on the network path can "
                            f"impersonate the server",
                    evidence=command.evidence,
                )
                break
