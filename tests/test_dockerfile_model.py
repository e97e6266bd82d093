"""The Dockerfile model: stages, instructions, positions, facts, and odd input."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest

from auditui.checks.api import Severity
from helpers import pedantic
from auditui.checks.engine import Engine
from auditui.checks.models.dockerfile import (
    Dockerfile,
    assignments,
    effective_user,
    is_root_user,
    packages_installed,
    parse,
    parse_dockerfile,
    shell_commands,
)

FIXTURES = Path(__file__).parent / "fixtures" / "dockerfile"
DIGEST = "sha256:" + "4c7f1a3d9e2b8f6a" * 4

HARDENED = f"""\
# syntax=docker/dockerfile:1.7
ARG PYTHON=python:3.12.4-slim-bookworm@{DIGEST}

FROM ${{PYTHON}} AS build
RUN apt-get update \\
 && apt-get install -y build-essential libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=pip_token,env=PIP_TOKEN \\
    pip wheel --wheel-dir /wheels -r requirements.txt
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \\
 && echo "0f4b  /tmp/tool.tgz" | sha256sum -c - \\
 && tar -xzf /tmp/tool.tgz -C /usr/local/bin

FROM ${{PYTHON}}
RUN apt-get update \\
 && apt-get install -y --no-install-recommends libpq5 tini \\
 && rm -rf /var/lib/apt/lists/* \\
 && useradd --uid 10001 --no-create-home app
COPY --from=build /wheels /wheels
COPY --from=build /usr/local/bin/tool /usr/local/bin/tool
COPY --chown=10001:10001 src/ /app/
ENV PYTHONUNBUFFERED=1 APP_PASSWORD_FILE=/run/secrets/app_password
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "/app/healthcheck.py"]
USER 10001:10001
ENTRYPOINT ["tini", "--"]
CMD ["python", "-m", "app"]
"""


def scan_text(tmp_path: Path, text: str | bytes, name: str = "Dockerfile") -> Engine:
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    target = root / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    engine = Engine(root)
    engine.scan()
    return engine


# -- structure -------------------------------------------------------------------


def test_stages_instructions_and_symbolic_positions():
    df = parse_dockerfile("Dockerfile", HARDENED)
    assert isinstance(df, Dockerfile)
    assert [s.key for s in df.stages] == ["build", "1"]
    # messages quote a name but never an index, which would read like one
    assert [s.label for s in df.stages] == ["'build'", "#1"]
    build, final = df.stages
    assert build.base == f"python:3.12.4-slim-bookworm@{DIGEST}"  # ARG default resolved
    assert final.image is not None and final.image.pinned
    runs = build.all("RUN")
    assert [(r.line, r.end_line) for r in runs] == [(5, 7), (8, 9), (10, 12)]
    assert runs[0].ypath == ("stage", "build", "RUN", 0)
    assert runs[2].ypath == ("stage", "build", "RUN", 2)
    assert "apt-get install -y build-essential libpq-dev" in runs[0].value
    assert runs[1].flag("mount") == "type=secret,id=pip_token,env=PIP_TOKEN"
    assert runs[1].args.startswith("pip wheel")
    assert final.last("CMD").exec_form == ["python", "-m", "app"]
    assert effective_user(final)[0] == "10001:10001"
    assert df.shipped_stages() == [final]


def test_comments_and_blank_lines_inside_a_continuation_are_skipped():
    df = parse_dockerfile("Dockerfile", "FROM alpine:3.20\nrun apk add \\\n  # a comment\n\n  curl\nUSER 1\n")
    run = df.final.all("RUN")[0]
    assert (run.instruction, run.line, run.end_line) == ("RUN", 2, 5)
    assert run.value.split() == ["apk", "add", "curl"]
    assert df.final.last("USER").line == 6


def test_stage_references_scratch_and_unresolved_args():
    text = "ARG BASE\nFROM ${BASE} AS Deps\nFROM scratch AS empty\nFROM deps\nFROM EMPTY\n"
    df = parse_dockerfile("Dockerfile", text)
    deps, empty, third, fourth = df.stages
    assert deps.image is not None and deps.image.templated
    assert empty.scratch and empty.image is None
    assert third.parent is deps and third.image is None  # stage names are case-insensitive
    assert fourth.parent is empty and fourth.root_image() is None
    assert df.stage("DEPS") is deps and df.stage("1") is empty


def test_arg_in_from_with_default_expansion():
    df = parse_dockerfile("Dockerfile", "ARG TAG\nFROM node:${TAG:-20.15.1}\n")
    assert df.final.base == "node:20.15.1"


def test_heredocs_are_consumed_and_fed_to_the_shell_only_when_run():
    text = (
        "FROM debian:12\n"
        "RUN <<EOF\n"
        "apt-get update\n"
        "FROM not-an-instruction\n"
        "EOF\n"
        "COPY <<-EOT /etc/app.conf\n"
        "\tkey = value\n"
        "\tEOT\n"
        "RUN cat <<EOF > /x.sh\n"
        "curl https://example.com | sh\n"
        "EOF\n"
        "USER app\n"
    )
    df = parse_dockerfile("Dockerfile", text)
    assert len(df.stages) == 1
    names = [(i.instruction, i.line, i.end_line) for i in df.final.instructions]
    assert names == [("FROM", 1, 1), ("RUN", 2, 5), ("COPY", 6, 8), ("RUN", 9, 11), ("USER", 12, 12)]
    first, second = df.final.all("RUN")
    assert [s.name for c in first.commands for s in c.segments] == ["apt-get", "FROM"]  # the heredoc runs
    assert [s.name for c in second.commands for s in c.segments] == ["cat"]  # written to a file, not run
    assert "curl https://example.com | sh" in second.shell_text()  # what it writes
    assert df.final.all("COPY")[0].heredocs[0].body == "key = value"


def test_backtick_escape_directive():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir C:\\ `\n    && echo done\nUSER ContainerAdministrator\n"
    df = parse_dockerfile("Dockerfile", text)
    assert df.escape == "`"
    run = df.final.all("RUN")[0]
    assert (run.line, run.end_line) == (3, 4)
    assert "C:\\" in run.value
    assert is_root_user(effective_user(df.final)[0])


def test_escape_directive_is_only_read_at_the_top():
    df = parse_dockerfile("Dockerfile", "FROM alpine:3.20\n# escape=`\nRUN echo a \\\n  b\n")
    assert df.escape == "\\"
    assert df.final.all("RUN")[0].end_line == 4


def test_env_and_arg_assignments():
    df = parse_dockerfile("Dockerfile", 'FROM a:1\nENV A=1 B="two words" C=\'x y\'\nENV LEGACY some value\nARG X Y=2\n')
    env1, env2 = df.final.all("ENV")
    assert assignments(env1) == [("A", "1", False), ("B", "two words", False), ("C", "x y", False)]
    assert assignments(env2) == [("LEGACY", "some value", True)]
    assert assignments(df.final.all("ARG")[0]) == [("X", None, False), ("Y", "2", False)]


def test_root_user_forms():
    assert is_root_user("root") and is_root_user("0") and is_root_user("0:0") and is_root_user("root:app")
    assert is_root_user("app") is False and is_root_user("10001:10001") is False
    assert is_root_user("${UID}") is None


def test_shell_helpers():
    script = "set -eux; DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y --no-install-recommends gcc=4:12 libpq-dev \\\n && curl -fsSL x | sudo bash -"
    installs = packages_installed(script)
    assert [(i.manager, i.packages) for i in installs] == [("apt-get", ("gcc", "libpq-dev"))]
    commands = shell_commands(script)
    assert [c.program for c in commands] == ["set", "apt-get", "curl", "bash"]
    assert commands[1].wrappers == ("sudo",) and commands[3].wrappers == ("sudo",)
    assert shell_commands("apt-get install -y x > /dev/null 2>&1")[0].argv == ("apt-get", "install", "-y", "x")
    assert [i.virtual for i in packages_installed("apk add --no-cache --virtual .deps gcc")] == [".deps"]


def test_exec_form_run_is_read_through_sh_c(tmp_path):
    engine = scan_text(tmp_path, 'FROM alpine:3.20\nRUN ["/bin/sh", "-c", "wget -qO- https://x.example/i.sh | sh"]\nUSER 1\n')
    assert [(f.code, f.line) for f in engine.findings if f.code == "DKR010"] == [("DKR010", 2)]



def test_dkr010_severity_follows_who_can_change_what_runs(tmp_path):
    # plain http and TLS checks off: anyone on the path (high); HTTPS or a URL in a variable:
    # the vendor's server decides, a pinning gap (medium)
    shutil.copy(FIXTURES / "remote-script-piped-to-shell" / "bad-transport.Dockerfile", tmp_path / "Dockerfile")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    found = {f.line: f.severity for f in engine.findings if f.code == "DKR010"}
    assert found == {6: Severity.HIGH, 7: Severity.HIGH, 8: Severity.HIGH, 9: Severity.MEDIUM,
                     10: Severity.MEDIUM, 11: Severity.MEDIUM, 14: Severity.HIGH}


@pytest.mark.parametrize(("argv", "transport"), [
    (("curl", "-fsSL", "https://x.example/i.sh"), "https"), (("curl", "-fsSLk", "https://x.example"), "insecure"),
    (("curl", "-kfsSL", "https://x.example"), "insecure"), (("curl", "--insecure", "https://x.example"), "insecure"),
    (("/usr/bin/curl", "-sS", "http://x.example"), "http"), (("wget", "-qO-", "ftp://x.example/i.sh"), "http"),
    (("wget", "--no-check-certificate", "-qO-", "https://x.example"), "insecure"),
    (("curl", "-o", "kfile", "https://x.example"), "https"),  # -o takes a value: k is not an option
    (("curl", "-Hk", "https://x.example"), "https"),  # -H takes a value glued to it
    (("wget", "-k", "https://x.example"), "https"),  # wget -k converts links
    (("curl", "-fsSL", "$URL"), "unknown"),
])
def test_how_a_download_travels(argv, transport):
    from auditui.checks.models.shell_ops import fetch_transport

    assert fetch_transport(argv)[0] == transport

def test_facts():
    parsed = parse("app/Dockerfile", HARDENED + "FROM build AS again\n")
    bases = [f for f in parsed.facts if f.topic == "docker:base"]
    assert [(f.key, f.data.stage) for f in bases] == [
        (f"python:3.12.4-slim-bookworm@{DIGEST}", "build"),
        (f"python:3.12.4-slim-bookworm@{DIGEST}", "1"),
    ]  # the reference to stage "build" is not an image
    (info,) = [f for f in parsed.facts if f.topic == "docker:file"]
    assert info.key == "app/Dockerfile"
    assert info.data.stages == 3 and info.data.healthcheck is False  # final stage "again" has none
    parsed = parse("Dockerfile", HARDENED)
    (info,) = [f for f in parsed.facts if f.topic == "docker:file"]
    assert info.data.final_user == "10001:10001" and info.data.healthcheck is True


# -- agreement with dockerfile-parse on ordinary files ------------------------------


def test_instruction_spans_agree_with_dockerfile_parse():
    dockerfile_parse = pytest.importorskip("dockerfile_parse")
    texts = [HARDENED] + [p.read_text() for p in sorted(FIXTURES.glob("*/*.Dockerfile")) if "<<" not in p.read_text()]
    for text in texts:
        theirs = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(text.encode())).structure
        expected = [(d["instruction"], d["startline"] + 1, d["endline"] + 1) for d in theirs if d["instruction"] != "COMMENT"]
        df = parse_dockerfile("Dockerfile", text)
        ours = [(i.instruction, i.line, i.end_line) for s in df.stages for i in s.instructions]
        ours = sorted(ours + [(i.instruction, i.line, i.end_line) for i in df.global_args], key=lambda t: t[1])
        assert ours == expected


# -- odd input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "# only\n# comments\n",
        "\x00\x01\x02\x89PNG\r\n\x1a\n\ufffd\ufffd binary-ish\n",
        "FROM alpine:3.20 \\",
        "FROM alpine:3.20\nRUN echo \\",
        "FROM alpine:3.20\nRUN <<EOF\nnever terminated\n",
        "FROBNICATE all the things\nFROM alpine:3.20\n",
        "RUN echo before any FROM\n",
        "FROM\nUSER\nENV\nARG =\nADD\nRUN []\nCMD [1, 2]\nEXPOSE\nHEALTHCHECK\n",
        "FROM ${UNSET:-}\nFROM $\nFROM ${\nUSER ${A:+}\n",
        "FROM a AS\nFROM a AS b c d\nFROM --platform= --bogus\n",
        "RUN \"unterminated 'quotes\n",
        "FROM a:1\nRUN echo 'unterminated | sh\nENV X=\"open\n",
        "FROM a:1\n" + "RUN " + "(" * 500 + "\n",
        "\ufeffFROM alpine:3.20\r\nUSER root\r\n",
    ],
)
def test_odd_input_never_raises(text, tmp_path):
    parsed = parse("Dockerfile", text)
    assert all(hasattr(p, "message") for p in parsed.problems)
    engine = scan_text(tmp_path, text)
    assert not [n for n in engine.all_notices() if "failed" in n.message]


def test_garbage_reports_a_problem_or_nothing():
    assert parse("Dockerfile", "").units == [] and parse("Dockerfile", "").problems == []
    assert parse("Dockerfile", "# c\n").units == [] and parse("Dockerfile", "# c\n").problems == []
    binary = parse("Dockerfile", "\x00\x01\x02\x03\n\x89PNG\x1a\n")
    assert binary.units == [] and binary.problems
    unknown = parse("Dockerfile", "FROBNICATE x\nFROM alpine:3.20\n")
    assert unknown.problems[0].line == 1 and "FROBNICATE" in unknown.problems[0].message
    assert len(unknown.units) == 1  # the rest is still audited
    at_eof = parse_dockerfile("Dockerfile", "FROM alpine:3.20\nRUN apk add \\\n")
    assert at_eof.final.all("RUN")[0].value.strip() == "apk add"


def test_non_utf8_text_is_audited_after_decoding(tmp_path):
    data = "FROM alpine:3.20\nLABEL maintainer=\"Jos\xe9\"\nUSER root\n".encode("latin-1")
    engine = scan_text(tmp_path, data)
    assert [(f.code, f.line) for f in engine.findings if f.code == "DKR001"] == [("DKR001", 3)]
    assert any("UTF-8" in n.message for n in engine.all_notices())


def test_random_lines_never_raise():
    rng = random.Random(20240601)
    words = ["FROM", "RUN", "USER", "ENV", "ARG", "ADD", "COPY", "\\", "`", "<<EOF", "EOF", "#", "${X}", "|",
             "sh", "curl", "apt-get", "install", "'", '"', "[", "]", "--mount=type=cache", "AS", "scratch", "\t"]
    for _ in range(300):
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 12))]
        parse("Dockerfile", "\n".join(lines))


# -- what the checks make of it ----------------------------------------------------------


def test_hardened_multistage_dockerfile_is_quiet(tmp_path):
    engine = scan_text(tmp_path, HARDENED)
    assert [f"{f.code} L{f.line}: {f.message}" for f in engine.findings if f.code.startswith("DKR")] == []


def test_hardened_file_by_any_dockerfile_name(tmp_path):
    for number, name in enumerate(("api.dockerfile", "Containerfile", "Dockerfile.prod")):
        folder = tmp_path / str(number)
        folder.mkdir()
        engine = scan_text(folder, HARDENED, name)
        assert [f.code for f in engine.findings if f.code.startswith("DKR")] == []
        assert engine.index.count("docker:file") == 1


def test_secrets_are_never_printed_in_full(tmp_path):
    fixture = FIXTURES / "secret-in-env-or-arg" / "bad.Dockerfile"
    engine = scan_text(tmp_path, fixture.read_text())
    texts = " ".join(f"{f.message} {f.evidence}" for f in engine.findings)
    for secret in ("ghp_Zx81QmYt5aPq0rLs7NvWc3KdEe9FgHhJiKkL", "S3cr3t-Pa55w0rd", "sk_live_51HqLyjWDarjtT1zdp7dc",
                   "kX8rT2vLq9ZmN4pW7sY1bC6dF3gH0jK5lM8nP2qR", "npm_4f8a9b2c7d1e6f3a0b5c", "hunter2hunter2", "Xk9vQ2mLp7Rt"):
        assert secret not in texts
    # tokens and random-looking keys are critical; random-looking passwords (PGPASSWORD, DB_PASS) high:
    # a Dockerfile cannot tell whether the database they open is reachable; guessable ones
    # (S3cr3t-Pa55w0rd, hunter2hunter2, changeme, admin) medium: weak rather than leaked
    severities = [f.severity for f in engine.findings if f.code == "DKR008"]
    assert (severities.count(Severity.CRITICAL), severities.count(Severity.HIGH), severities.count(Severity.MEDIUM)) == (5, 2, 4)


def test_fingerprints_survive_lines_added_above(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    text = "FROM node:20.15.1\nRUN apt-get update && apt-get install -y curl\n"
    before = {f.code: f.fingerprint for f in scan_text(tmp_path / "a", text).findings}
    moved = "# a comment\n\n" + text.replace("RUN", "LABEL x=1\nRUN", 1)
    after = {f.code: (f.fingerprint, f.line) for f in scan_text(tmp_path / "b", moved).findings}
    assert {"DKR001", "DKR004", "DKR011", "DKR012"} <= set(before)
    assert {code: fp for code, (fp, _) in after.items()} == before
    assert after["DKR012"][1] == 5


def test_dkr001_is_low_and_hedged_when_the_entrypoint_drops_privileges(tmp_path):
    from auditui.checks.engine import Engine

    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENTRYPOINT [\"/entrypoint.sh\"]\n"
    )
    (tmp_path / "plain.Dockerfile").write_text("FROM alpine:3.20\nCMD [\"app\"]\n")
    engine = Engine(tmp_path)
    engine.scan()
    found = {f.path: f for f in engine.findings if f.code == "DKR001"}
    assert found["Dockerfile"].severity.label == "low"  # root only until the entrypoint drops (unseen here)
    assert "su-exec" in found["Dockerfile"].message
    assert found["plain.Dockerfile"].severity.label == "medium"  # root for certain: a hardening gap


def test_the_shipped_stage_of_a_multi_target_file_is_not_its_trailing_dev_target():
    from auditui.checks.models.dockerfile import is_dev_stage, parse_dockerfile

    text = (
        "FROM node:20 AS deps\nRUN npm ci\n"
        "FROM node:20 AS release\nCOPY --from=deps /app /app\n"
        "FROM release AS dev\nRUN npm i\n"
        "FROM node:20 AS unit-test\nRUN npm test\n"
    )
    assert parse_dockerfile("Dockerfile", text).final.name == "release"
    # a file whose only stages are dev-like keeps its last stage; so does an ordinary one
    assert parse_dockerfile("Dockerfile", "FROM node:20 AS dev\nRUN x\n").final.name == "dev"
    assert parse_dockerfile("Dockerfile", "FROM a AS build\nFROM b\nCOPY --from=build / /\n").final.index == 1
    assert is_dev_stage("development") and is_dev_stage("api-debug") and not is_dev_stage("devops-runtime")


def test_a_base_no_arg_default_decides_is_a_notice_not_a_silent_skip():
    from auditui.checks.models.dockerfile import parse

    parsed = parse("api.Dockerfile", "ARG BASE\nFROM ${BASE} AS build\nRUN make\nFROM ${RUNTIME:-gcr.io/distroless/static}\n")
    assert len(parsed.notices) == 1
    assert "'build' FROM ${BASE}" in parsed.notices[0] and "not judged" in parsed.notices[0]
    resolved = parse("Dockerfile", "ARG BASE=python:3.12-slim\nFROM ${BASE}\nFROM scratch\n")
    assert resolved.notices == []
