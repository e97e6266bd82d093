"""SH008: smoke/health/deploy scripts with the production address written in."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity, redact
from ..models.shell import ShellScript
from ..models.shell_ops import path_words, production_context

CHECK = Check(
    code="SH008",
    name="hardcoded-production-url",
    title="Production address hardcoded in an ops script",
    severity=Severity.MEDIUM,
    category=Category.CONFIGURATION,
    rationale=(
        "A smoke test, health check or deploy script with `https://api.prod...` or an IP "
        "written in can only ever target that one environment: it cannot verify staging "
        "before production, a copy pointed at staging silently hits production, and a DNS or "
        "host move breaks it. A `${BASE_URL:-https://...}` default is not reported: the "
        "target comes from the environment and the default only documents it."
    ),
    remediation=(
        "Read the target from a variable or argument: `BASE_URL=${BASE_URL:?set BASE_URL}`.",
        "Pass it from the pipeline or environment that runs the script (one value per environment).",
        "Run the same script against staging before production.",
    ),
    effort="30m",
    references=("https://12factor.net/config",),
)

#: script names that make an address in them an ops target
_OPS_WORDS = {"smoke", "health", "healthcheck", "deploy", "check", "verify", "release", "probe", "status",
              "monitor", "ping", "uptime", "rollback", "promote", "canary", "warmup", "sanity", "postdeploy"}
_URL_RE = re.compile(r"https?://(?:[^/\s\"'@]*@)?([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\])(?::\d+)?[^\s\"'`)]*")
_SSH_DEST_RE = re.compile(r"^(?:[\w.-]+@)?([A-Za-z0-9.\-]+)(?::.*)?$")
_DEFAULT_RE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=+?]|\$\{[0-9@*]:?[-=]")
_MESSAGES = ("echo", "printf", "logger", ":", "cat", "read")
_PROD_LABELS = {"prod", "production", "prd", "live"}
#: third-party services whose API hosts start with "api." (not the project's own production)
_THIRD_PARTY = (
    "github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "slack.com", "telegram.org",
    "cloudflare.com", "pagerduty.com", "opsgenie.com", "datadoghq.com", "datadoghq.eu", "newrelic.com",
    "sentry.io", "heroku.com", "digitalocean.com", "linode.com", "hetzner.cloud", "vultr.com", "stripe.com",
    "twilio.com", "sendgrid.com", "mailgun.net", "openai.com", "anthropic.com", "atlassian.com",
    "statuspage.io", "rollbar.com", "bugsnag.com", "npmjs.org", "docker.com", "docker.io", "ipify.org",
    "netlify.com", "vercel.com", "fly.io", "render.com", "amazonaws.com", "googleapis.com", "azure.com",
    "microsoft.com", "live.com", "letsencrypt.org", "uptimerobot.com", "betteruptime.com", "discord.com",
    "honeycomb.io", "grafana.net", "cloudflareclient.com", "hcaptcha.com", "paypal.com", "hashicorp.com",
)


def _is_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not (address.is_loopback or address.is_unspecified or address.is_link_local)


def _production_host(host: str) -> str | None:
    """Why this host is a hardcoded production target, or None."""
    lower = host.lower().rstrip(".")
    if not lower or "$" in lower or lower in ("localhost",) or lower.endswith((".local", ".localhost", ".svc", ".cluster.local", ".internal", ".test", ".invalid")):
        return None
    if _is_ip(lower):
        return "an IP address"
    if "." not in lower:
        return None  # a service name (compose/k8s DNS), resolved per environment
    if any(lower == d or lower.endswith("." + d) for d in _THIRD_PARTY):
        return None
    labels = set(re.split(r"[.-]", lower))
    if labels & _PROD_LABELS:
        return "a production host name"
    if lower.startswith("api."):
        return "the production API host"
    return None


def _safe_url(url: str) -> str:
    match = re.match(r"(https?://)([^/\s@]*)@(.*)", url)
    if match:
        return f"{match.group(1)}{redact(match.group(2))}@{match.group(3)}"
    return url


@CHECK.on(ShellScript)
def hardcoded_production_url(script: ShellScript) -> Iterator[Finding]:
    if script.embedded:
        return  # a workflow or image names its targets on purpose; only ops scripts are read
    if not (path_words(script.path) & _OPS_WORDS or production_context(script)):
        return
    if path_words(script.path) & {"test", "tests", "dev", "local", "example", "examples", "fixtures"}:
        return
    seen: set[str] = set()  # one finding per host and script: the first place it is written
    for command in script.commands:
        for seg in command.segments:
            if seg.name in _MESSAGES or seg.name.startswith(("log", "info", "warn", "notify", "msg", "say")):
                continue  # a message that mentions the address is not a request to it
            for host, evidence in _addresses(command, seg):
                why = _production_host(host)
                if why and host not in seen:
                    seen.add(host)
                    yield CHECK.finding(
                        command.pos, resource=f"host/{host}", symbol=(host,),
                        message=f"{why} is written into the script ({host}); take it from a variable",
                        evidence=evidence,
                    )


def _addresses(command, seg) -> Iterator[tuple[str, str]]:
    """(host, evidence) of each address one segment is written to reach: the URLs in its words
    (not an overridable ``${BASE_URL:-https://...}`` default) and the destination of
    ``ssh``/``scp``/``rsync`` (run here, not over another ssh)."""
    for word in seg.words:
        if "://" in word:
            for match in _URL_RE.finditer(word):
                if _DEFAULT_RE.search(word[:match.start()]):
                    continue  # ${BASE_URL:-https://...}: overridable default
                yield match.group(1), _safe_url(match.group(0))[:160]
    if seg.name in ("ssh", "scp", "rsync") and not command.via:
        for word in seg.argv[1:]:
            if word.startswith("-") or "$" in word:
                continue
            dest = _SSH_DEST_RE.match(word)
            if dest and ("@" in word or seg.name == "ssh") and (seg.name == "ssh" or ":" in word):
                yield dest.group(1), word[:160]
                if seg.name == "ssh":
                    break
