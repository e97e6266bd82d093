"""SH016: a start or deploy script falls back to a fixed credential when a variable is unset."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.secrets import classify, fallbacks, name_words
from ..models.shell import ShellScript

CHECK = Check(
    code="SH016",
    name="credential-fallback-in-script",
    title="Script falls back to a fixed credential when a variable is unset",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "`${ADMIN_PASSWORD:-admin123}` or `${DATABASE_URL:-postgres://postgres:postgres@db/app}` "
        "in a start, entrypoint or deploy script means a deployment that forgets to set the "
        "variable does not fail: it comes up with a password everyone can read in the "
        "repository. The secrets model judges the fallback as it judges any value: a weak or "
        "well-known default is medium, high for an application's admin or superuser login "
        "(reachable by whoever reaches the application); a random-looking key or a provider "
        "token as a fallback is a committed secret (critical). Sentinels that switch a feature "
        "off (`${API_KEY:-}`, `${TOKEN:-disabled}`) are not reported; scripts outside production "
        "(tests, development) are lowered by their file context."
    ),
    remediation=(
        "Fail instead of falling back: `: \"${ADMIN_PASSWORD:?set ADMIN_PASSWORD}\"`.",
        "Or generate a random value on first start and store it where only the service reads it.",
        "Rotate the fallback if any deployment ever ran with it.",
    ),
    effort="30m",
    references=(
        "https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_06_02",
        "https://cwe.mitre.org/data/definitions/1392.html",
    ),
    peers=("gitleaks generic-api-key",),
)

#: names of an application's own administrator login
_ADMIN_WORDS = frozenset(("ADMIN", "SUPERUSER", "ADMINISTRATOR"))


@CHECK.on(ShellScript)
def credential_fallback_in_script(script: ShellScript) -> Iterator[Finding]:
    if script.host and script.host != "workflow":
        return  # a Dockerfile RUN: build-time values (DKR checks judge ARG/ENV)
    for command in script.commands:
        if script.host == "workflow" and command.via != "ssh":
            continue  # a CI job's own fallbacks (a test database); a remote script runs on the server
        for seg in command.segments:
            for word in seg.words:
                for name, expansion in fallbacks(word) if "${" in word else ():
                    verdict = classify(name, expansion, where="shell")
                    if not verdict.is_secret or not verdict.default:
                        continue
                    admin = bool(_ADMIN_WORDS & set(name_words(name)))
                    yield CHECK.finding(
                        command.at(seg), resource=script.resource, severity=verdict.severity(exposed=admin or None),
                        repeats=(name,),
                        message=f"{name} falls back to {verdict.describe()} when it is unset"
                                + (" (the application's admin login)" if admin else ""),
                        evidence=verdict.evidence(name),
                    )
