"""SH014: a password or token written into a command line of a script."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity, redact
from ..models.secrets import classify, classify_value
from ..models.shell import ShellScript, literal_passwords
from ..models.shell_ops import path_words

CHECK = Check(
    code="SH014",
    name="hardcoded-password-in-script",
    title="Password or token written into a script",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "`sshpass -p 'hunter2'`, `mysql -pS3cret`, `PGPASSWORD=... psql` or "
        "`docker login -p ...` with a literal puts the credential in the repository (and "
        "its history) for everyone who can read it, and on the command line, where every "
        "user of the host can see it in `ps`. Setting it in a variable first (`PASSWORD='hunter2'` "
        "then `sshpass -p \"$PASSWORD\"`) changes neither; values read from the environment, a "
        "prompt or a secret store are not reported (a fallback such as `\"${DB_PASSWORD:-hunter2}\"` "
        "is SH016's). A secret-named variable set to a literal "
        "(`export DB_PASSWORD=...`) is reported as in any other file."
    ),
    remediation=(
        "Rotate the credential: it is in the repository history.",
        "Read it from the environment or a secret store at run time (`\"$DB_PASSWORD\"`, `--password-stdin`).",
        "Prefer key-based auth (ssh keys, IAM roles, ~/.pgpass with 0600) over passwords on command lines.",
    ),
    effort="1h",
    references=(
        "https://www.postgresql.org/docs/current/libpq-pgpass.html",
        "https://docs.docker.com/reference/cli/docker/login/#password-stdin",
    ),
    peers=("gitleaks generic-api-key",),
)

@CHECK.on(ShellScript)
def hardcoded_password_in_script(script: ShellScript) -> Iterator[Finding]:
    if path_words(script.path) & {"test", "tests", "example", "examples", "fixtures", "e2e", "ci", "dev", "local"}:
        return
    via_variable: dict[str, list[tuple[str, int]]] = {}  # variable -> (how, line) of each use
    passed: set[str] = set()  # PGPASSWORD=... (reported as passed to a client, not again as a variable)
    for command in script.commands:
        for seg in command.segments:
            for how, value, variable in literal_passwords(seg, script.literals):
                if variable:
                    via_variable.setdefault(variable, []).append((how, command.line))
                    continue
                verdict = classify_value(value)
                if verdict.default:
                    continue  # "${PASS:-hunter2}": used only when unset, SH016's (credential-fallback-in-script)
                passed.add(how)
                yield CHECK.finding(
                    command.pos, resource=f"secret/{how.split()[0]}", symbol=(how,), severity=verdict.severity(exposed=script.exposed),
                    message=f"{verdict.describe()} passed with `{how}`",
                    evidence=f"{how} {redact(value)}",
                )
                break
    for variable, uses in via_variable.items():
        value, line = script.literals[variable]
        hows = sorted({how for how, _ in uses})
        lines = sorted({used for _, used in uses})
        verdict = classify_value(value)
        yield CHECK.finding(
            Pos(line, line, ("var", variable)), resource=f"secret/{variable}", symbol=(variable,),
            severity=verdict.severity(exposed=script.exposed),
            message=f"{variable} is set to {verdict.describe()} here and passed with `{'`, `'.join(hows[:3])}` "
                    f"(line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:5]))})",
            evidence=f"{variable}={redact(value)}",
        )
    # a secret-named variable set to a literal (``export DB_PASSWORD=...``): the same answer as
    # in a compose file, a Dockerfile ENV or an env file, even when no command here uses it
    for variable, (value, line) in script.literals.items():
        if variable in via_variable or variable in passed:
            continue
        verdict = classify(variable, value, where="shell")
        if not verdict.is_secret:
            continue
        yield CHECK.finding(
            Pos(line, line, ("var", variable)), resource=f"secret/{variable}", symbol=(variable,),
            severity=verdict.severity(exposed=script.exposed),
            message=f"{variable} is set to {verdict.describe()} in the script",
            evidence=verdict.evidence(variable),
        )
