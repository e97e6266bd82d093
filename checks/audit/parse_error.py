from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the engine for every file that cannot be parsed as what it claims to be;
# it has no function of its own because the parser, not a rule, sees the problem.
CHECK = Check(
    code="AUD001",
    name="parse-error",
    title="File cannot be parsed",
    severity=Severity.MEDIUM,
    category=Category.AUDIT,
    rationale=(
        "A manifest, workflow or compose file that does not parse is rejected by the tool "
        "that reads it (kubectl, the Actions runner, docker compose), and nothing in it "
        "could be audited."
    ),
    remediation=(
        "Open the file at the reported line and fix the syntax error.",
        "Validate it with the tool that reads it: `docker compose -f FILE config` for a compose file, "
        "`kubectl apply --dry-run=client -f FILE` for a manifest, `yamllint FILE` for any YAML.",
        "Add a YAML linter (yamllint) to CI so syntax errors fail before review.",
    ),
    effort="15m",
    references=("https://yaml.org/spec/1.2.2/",),
)
