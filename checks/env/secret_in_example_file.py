"""ENV005: an example env file that ships a real-looking secret."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.envfile import EnvFile
from ..models.secrets import classify

CHECK = Check(
    code="ENV005",
    name="secret-in-example-file",
    title="Example env file contains a real-looking secret",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "Example files are committed and copied on purpose: a real key in `.env.example` is "
        "public to everyone with the repository, and every environment created from it runs "
        "with the same secret, which is then never rotated because it 'is just the example'."
    ),
    remediation=(
        "Replace the value with a placeholder (`changeme`, `<your-api-key>`) or leave it empty.",
        "Rotate the secret if it was ever real.",
        "Say in a comment how to obtain or generate the value (`openssl rand -hex 32`).",
    ),
    effort="30m",
    references=("https://12factor.net/config",),
    peers=("gitleaks generic-api-key",),
)


@CHECK.on(EnvFile)
def secret_in_example_file(env: EnvFile) -> Iterator[Finding]:
    if not env.example:
        return
    for entry in env.entries:
        verdict = classify(entry.key, entry.value, where="env-example", interpolate=entry.quoted != "'")
        if not verdict.is_secret:
            continue  # sample and default values show the shape of a value: placeholders here
        yield CHECK.finding(
            entry.pos, resource=f"env/{entry.key}",
            message=f"{entry.key} in the example file {env.name} holds {verdict.describe()}; use a placeholder",
            evidence=verdict.evidence(entry.key),
        )
