"""Inline suppressions in every file type, expiry, hygiene findings and peer markers."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from auditui.checks import suppress
from auditui.checks.api import Category, Check, Finding, Pos, Severity
from auditui.checks.config import Config
from auditui.checks.engine import Engine
from auditui.checks.facts import RepoIndex

# -- a test double: flags every line that contains FLAGME, in any file type ---------------
FLAG = Check(
    code="REPO901", name="flag-me", title="Line says FLAGME", severity=Severity.HIGH,
    category=Category.CONFIGURATION, rationale="test double", remediation=("remove it",),
)


@FLAG.on_repo
def _flag(index: RepoIndex) -> Iterator[Finding]:
    for rel in index.files():
        lines = Path(index.root, rel).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if "FLAGME" in line and "auditui:" not in line.split("FLAGME")[0]:
                yield FLAG.finding(Pos(number, number, ("flag", number), path=rel), message=f"FLAGME at {number}")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def scan(root: Path, checks=None, config: Config | None = None) -> Engine:
    # every finding on its own: stale suppressions (AUD003) are information-only
    engine = Engine(root, config or Config(persona="pedantic"), checks=checks)
    engine.scan()
    return engine


def by_code(engine: Engine, code: str) -> list[Finding]:
    return [f for f in engine.findings if f.code == code]


# one file of each type we read, with a FLAGME line (line 3), all using `#` comments
FILE_TYPES = {
    "k8s": ("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}  # FLAGME{m}\ndata: {{}}\n"),
    "compose": ("docker-compose.yml", "services:\n  web:\n    image: nginx:1.27  # FLAGME{m}\n"),
    "workflow": (".github/workflows/ci.yml", "on: push\njobs: {{}}\nname: x  # FLAGME{m}\n"),
    "dockerfile": ("Dockerfile", "FROM alpine:3.20\nUSER app\nRUN echo FLAGME{m}\n"),
    "shell": ("ops/deploy.sh", "#!/bin/sh\nset -eu\necho FLAGME{m}\n"),
    "env": (".env", "A=1\nB=2\nC=FLAGME{m}\n"),
}


def _file(kind: str, marker: str = "", above: str = "") -> tuple[str, str]:
    rel, template = FILE_TYPES[kind]
    text = template.format(m=f"  {marker}" if marker else "")
    if above:
        lines = text.splitlines()
        lines.insert(2, above)
        text = "\n".join(lines) + "\n"
    return rel, text


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_unsuppressed_line_is_flagged(kind, tmp_path):
    rel, text = _file(kind)
    write(tmp_path, rel, text)
    found = by_code(scan(tmp_path, [FLAG]), "REPO901")
    assert [(f.path, f.line, f.suppressed_by) for f in found] == [(rel, 3, None)]


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_trailing_comment_suppresses_with_reason(kind, tmp_path):
    rel, text = _file(kind, "# auditui: ignore[REPO901] vendored, upstream owns it")
    write(tmp_path, rel, text)
    engine = scan(tmp_path, [FLAG])
    [finding] = by_code(engine, "REPO901")
    assert finding.suppressed_by == f"{rel}:3 auditui: ignore[REPO901] vendored, upstream owns it"
    assert [f.code for f in engine.findings if f.code.startswith("AUD")] == []


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_comment_line_above_suppresses_by_name(kind, tmp_path):
    rel, text = _file(kind, above="# auditui: ignore[flag-me] reviewed in INC-42")
    write(tmp_path, rel, text)
    engine = scan(tmp_path, [FLAG])
    [finding] = by_code(engine, "REPO901")
    assert finding.line == 4
    assert finding.suppressed_by == f"{rel}:3 auditui: ignore[flag-me] reviewed in INC-42"


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_ignore_file_suppresses_every_line(kind, tmp_path):
    rel, text = _file(kind)
    text = text.replace("FLAGME", "FLAGME FLAGME")  # still one finding per line
    text = "# auditui: ignore-file[REPO901] generated file\n" + text.replace("\n", "\n", 1)
    text += "# FLAGME again\n"
    write(tmp_path, rel, text)
    found = by_code(scan(tmp_path, [FLAG]), "REPO901")
    assert len(found) == 2
    assert all(f.suppressed_by == f"{rel}:1 auditui: ignore-file[REPO901] generated file" for f in found)


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_expired_suppression_lets_the_finding_return(kind, tmp_path):
    rel, text = _file(kind, "# auditui: ignore[REPO901] until migration until=2001-02-03")
    write(tmp_path, rel, text)
    engine = scan(tmp_path, [FLAG])
    [finding] = by_code(engine, "REPO901")
    assert finding.suppressed_by is None
    assert by_code(engine, "AUD003") == []  # expired is not stale: it still names a finding


def test_future_until_still_applies_and_is_shown(tmp_path):
    write(tmp_path, "ops/run.sh", "#!/bin/sh\necho FLAGME  # auditui: ignore[REPO901] until=2999-12-31 waiting on vendor\n")
    [finding] = by_code(scan(tmp_path, [FLAG]), "REPO901")
    assert finding.suppressed_by == "ops/run.sh:2 auditui: ignore[REPO901] waiting on vendor (until 2999-12-31)"


def test_expiry_is_inclusive_of_the_until_day(tmp_path, monkeypatch):
    import datetime as dt

    write(tmp_path, ".env", "A=FLAGME  # auditui: ignore[REPO901] until=2030-06-01 ok\n")
    monkeypatch.setattr(suppress, "_today", lambda: dt.date(2030, 6, 1))
    assert by_code(scan(tmp_path, [FLAG]), "REPO901")[0].suppressed_by is not None
    monkeypatch.setattr(suppress, "_today", lambda: dt.date(2030, 6, 2))
    assert by_code(scan(tmp_path, [FLAG]), "REPO901")[0].suppressed_by is None


def test_suppression_on_another_line_or_for_another_check_does_nothing(tmp_path):
    write(tmp_path, "ops/run.sh", """
        #!/bin/sh
        # auditui: ignore[REPO901] too far away
        set -eu
        echo FLAGME  # auditui: ignore[K8S020] wrong check
    """)
    engine = scan(tmp_path, [FLAG])
    assert by_code(engine, "REPO901")[0].suppressed_by is None
    assert sorted(f.line for f in by_code(engine, "AUD003")) == [2, 4]


def test_reasonless_suppression_still_applies_but_is_reported(tmp_path):
    write(tmp_path, ".env", "A=FLAGME  # auditui: ignore[REPO901]\nB=FLAGME  # auditui: ignore[REPO901] until=2999-01-01\n")
    engine = scan(tmp_path, [FLAG])
    assert all(f.suppressed_by for f in by_code(engine, "REPO901"))
    no_reason = by_code(engine, "AUD002")
    assert [(f.path, f.line, f.severity) for f in no_reason] == [(".env", 1, Severity.LOW), (".env", 2, Severity.LOW)]


def test_stale_suppression_is_info_and_points_at_the_comment(tmp_path):
    write(tmp_path, "ops/run.sh", "#!/bin/sh\necho fixed  # auditui: ignore[REPO901] was noisy\n")
    [stale] = by_code(scan(tmp_path, [FLAG]), "AUD003")
    assert (stale.path, stale.line, stale.severity) == ("ops/run.sh", 2, Severity.INFO)
    assert "REPO901" in stale.message


def test_unknown_code_and_bad_date_are_invalid_and_bad_date_is_not_applied(tmp_path):
    write(tmp_path, "ops/run.sh", """
        #!/bin/sh
        echo FLAGME  # auditui: ignore[REPO901] ok until=tomorrow
        echo hi  # auditui: ignore[K8S9999] typo
    """)
    engine = scan(tmp_path, [FLAG])
    assert by_code(engine, "REPO901")[0].suppressed_by is None
    invalid = sorted((f.line, f.message) for f in by_code(engine, "AUD004"))
    assert invalid[0][0] == 2 and "until='tomorrow'" in invalid[0][1]
    assert invalid[1][0] == 3 and "K8S9999" in invalid[1][1]
    assert by_code(engine, "AUD003") == []  # invalid ones are not also reported stale


def test_reason_stops_at_a_following_comment(tmp_path):
    write(tmp_path, "ops/run.sh", "#!/bin/sh\necho FLAGME  # auditui: ignore[REPO901] legacy host # expect: nothing\n")
    [finding] = by_code(scan(tmp_path, [FLAG]), "REPO901")
    assert finding.suppressed_by.endswith("ignore[REPO901] legacy host")


def test_hygiene_checks_obey_the_configuration(tmp_path):
    write(tmp_path, "ops/run.sh", "#!/bin/sh\necho FLAGME  # auditui: ignore[REPO901]\necho x  # auditui: ignore[REPO901] stale\n")
    engine = scan(tmp_path, [FLAG], Config(ignore=("audit",)))
    assert [f.code for f in engine.findings if f.code.startswith("AUD")] == []
    engine = scan(tmp_path, [FLAG], Config(severity={"AUD002": Severity.MEDIUM}))
    assert by_code(engine, "AUD002")[0].severity == Severity.MEDIUM


# -- real per-file checks ---------------------------------------------------------------
def test_real_k8s_check_suppressed_in_multi_document_file(tmp_path):
    write(tmp_path, "k8s/app.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: prod}
        spec:
          containers:
            - name: c
              image: nginx:1.27
              imagePullPolicy: Never  # auditui: ignore[K8S020] kind cluster only
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: prod}
        spec:
          containers:
            - name: c
              image: nginx:1.27
              imagePullPolicy: Never
    """)
    engine = scan(tmp_path)
    found = {f.resource.split("/")[1]: f for f in by_code(engine, "K8S020")}
    assert found["a"].suppressed_by == "k8s/app.yaml:8 auditui: ignore[K8S020] kind cluster only"
    assert found["b"].suppressed_by is None


def test_real_dockerfile_check_with_hadolint_and_auditui_comments_stacked(tmp_path):
    write(tmp_path, "Dockerfile", """
        FROM debian:12
        # hadolint ignore=DL3009
        # auditui: ignore[DKR011] recommends needed for locales
        RUN apt-get update && apt-get install -y locales
        USER app
    """)
    engine = scan(tmp_path)
    lists = [f for f in engine.findings if f.check.peers and "hadolint DL3009" in f.check.peers]
    assert lists and all(f.suppressed_by == "Dockerfile:2 hadolint ignore=DL3009" for f in lists)
    [recommends] = by_code(engine, "DKR011")
    assert recommends.suppressed_by.startswith("Dockerfile:3 auditui: ignore[DKR011]")


# -- peer markers ------------------------------------------------------------------------
PEERED = Check(
    code="REPO902", name="peered-flag", title="Peered flag", severity=Severity.HIGH,
    category=Category.CONFIGURATION, rationale="test double", remediation=("x",),
    peers=("hadolint DL3007", "checkov CKV_K8S_14", "kube-linter latest-tag", "checkov CKV_SECRET_*"),
)


@PEERED.on_repo
def _peered(index: RepoIndex) -> Iterator[Finding]:
    for rel in index.files():
        for number, line in enumerate(Path(index.root, rel).read_text().splitlines(), 1):
            if "PEERME" in line:
                yield PEERED.finding(Pos(number, number, ("p", number), path=rel), message="peer",
                                     resource=line.split("PEERME:")[-1].strip() if "PEERME:" in line else "")


def test_hadolint_line_and_global_markers(tmp_path):
    write(tmp_path, "Dockerfile", "FROM a:1\n# hadolint ignore=DL3008,DL3007\nRUN PEERME\nRUN PEERME\n")
    write(tmp_path, "b.Dockerfile", "# hadolint global ignore=DL3007\nFROM a:1\nRUN PEERME\n")
    write(tmp_path, "c.Dockerfile", "FROM a:1\n# hadolint ignore=DL3008\nRUN PEERME\n")
    engine = scan(tmp_path, [PEERED])
    got = {(f.path, f.line): f.suppressed_by for f in by_code(engine, "REPO902")}
    assert got == {
        ("Dockerfile", 3): "Dockerfile:2 hadolint ignore=DL3008,DL3007",
        ("Dockerfile", 4): None,
        ("b.Dockerfile", 3): "b.Dockerfile:1 hadolint global ignore=DL3007",
        ("c.Dockerfile", 3): None,
    }
    assert by_code(engine, "AUD003") == []  # peer markers are never stale


def test_checkov_comment_markers(tmp_path):
    write(tmp_path, "k8s/x.yaml", "# checkov:skip=CKV_K8S_14:pinned by digest elsewhere\na: PEERME\nb: PEERME\n")
    write(tmp_path, "Dockerfile", "FROM a:1\nRUN PEERME\n#checkov:skip=CKV_SECRET_6:test key\n")
    engine = scan(tmp_path, [PEERED])
    got = {(f.path, f.line): f.suppressed_by for f in by_code(engine, "REPO902")}
    assert got[("k8s/x.yaml", 2)] == "k8s/x.yaml:1 checkov:skip=CKV_K8S_14:pinned by digest elsewhere"
    assert got[("k8s/x.yaml", 3)] is None
    # checkov applies Dockerfile skips to the whole file
    assert got[("Dockerfile", 2)] == "Dockerfile:3 checkov:skip=CKV_SECRET_6:test key"


def test_kube_linter_and_checkov_annotations_cover_their_object_only(tmp_path):
    write(tmp_path, "k8s/app.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          annotations:
            ignore-check.kube-linter.io/latest-tag: "images are promoted by digest in CD"
        spec:
          x: PEERME
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker
          annotations:
            checkov.io/skip1: CKV_K8S_14=worker is dev only
        spec:
          x: PEERME
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: other
          annotations:
            ignore-check.kube-linter.io/no-liveness-probe: "unrelated"
        spec:
          x: PEERME
    """)
    engine = scan(tmp_path, [PEERED])
    got = {f.line: f.suppressed_by for f in by_code(engine, "REPO902")}
    assert got == {
        8: 'k8s/app.yaml:6 annotation ignore-check.kube-linter.io/latest-tag: images are promoted by digest in CD',
        17: "k8s/app.yaml:15 annotation checkov.io/skip1: CKV_K8S_14=worker is dev only",
        26: None,
    }


def test_real_k8s_check_kube_linter_annotation(tmp_path):
    write(tmp_path, "app.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          namespace: prod
          annotations:
            ignore-check.kube-linter.io/latest-tag: "sandbox"
        spec:
          containers:
            - name: c
              image: nginx:latest
    """)
    engine = scan(tmp_path)
    floating = [f for f in engine.findings if "kube-linter latest-tag" in f.check.peers]
    assert floating and all(f.suppressed_by and "latest-tag: sandbox" in f.suppressed_by for f in floating)
    others = [f for f in engine.findings if f.check.code.startswith("K8S") and f not in floating]
    assert others and all(f.suppressed_by is None for f in others)


# -- incremental behaviour ------------------------------------------------------------------
def test_update_reports_suppression_added_and_removed_as_changed(tmp_path):
    pod = textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: prod}
        spec:
          containers:
            - name: c
              image: nginx:1.27
              imagePullPolicy: Never
    """)
    path = write(tmp_path, "k8s/pod.yaml", pod)
    engine = scan(tmp_path)
    [before] = by_code(engine, "K8S020")
    path.write_text(pod.replace("Never", "Never  # auditui: ignore[K8S020] kind only"))
    delta = engine.update([path])
    assert [f.fingerprint for f in delta.changed] == [before.fingerprint]
    assert by_code(engine, "K8S020")[0].suppressed_by == "k8s/pod.yaml:8 auditui: ignore[K8S020] kind only"
    path.write_text(pod)
    delta = engine.update([path])
    assert [f.fingerprint for f in delta.changed] == [before.fingerprint]
    assert by_code(engine, "K8S020")[0].suppressed_by is None


def test_update_resuppresses_repository_findings_when_only_a_comment_changed(tmp_path):
    path = write(tmp_path, "ops/run.sh", "#!/bin/sh\necho FLAGME\n")
    engine = scan(tmp_path, [FLAG])
    assert by_code(engine, "REPO901")[0].suppressed_by is None
    path.write_text("#!/bin/sh\necho FLAGME  # auditui: ignore[REPO901] ok for now\n")
    engine.update([path])
    assert by_code(engine, "REPO901")[0].suppressed_by == "ops/run.sh:2 auditui: ignore[REPO901] ok for now"
    assert by_code(engine, "AUD003") == []
    path.write_text("#!/bin/sh\necho FLAGME\n")
    engine.update([path])
    assert by_code(engine, "REPO901")[0].suppressed_by is None


def test_update_makes_a_suppression_stale_when_the_finding_is_fixed(tmp_path):
    path = write(tmp_path, "k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: prod}
        spec:
          containers:
            - name: c
              image: nginx:1.27
              imagePullPolicy: Never  # auditui: ignore[K8S020] kind only
    """)
    engine = scan(tmp_path)
    assert by_code(engine, "AUD003") == []
    path.write_text(path.read_text().replace("Never", "IfNotPresent"))
    delta = engine.update([path])
    assert [f.code for f in delta.added] == ["AUD003"]
    assert "K8S020" in [f.code for f in delta.removed]


def test_apply_does_no_work_without_a_marker(tmp_path, monkeypatch):
    engine = Engine(tmp_path, checks=[])
    monkeypatch.setattr(suppress, "parse_markers", lambda *a, **k: pytest.fail("parsed a file with no marker"))
    findings: list[Finding] = []
    markers = engine.suppressions.markers("a.yaml", "kind: Pod\n# a comment\n")
    assert markers == ()
    assert engine.suppressions.apply(findings, markers) == (findings, frozenset())


def test_parse_markers_forms():
    text = textwrap.dedent("""\
        # auditui: ignore-file[K8S020, docker-socket-mount] vendored chart
        a: 1  # auditui: ignore[K8S004] until=2030-01-31 pinned upstream
        # auditui: ignore[]
        # hadolint ignore=DL3007
        b: 2
    """)
    markers = suppress.parse_markers("x.yaml", text, known={"k8s020", "docker-socket-mount", "k8s004"})
    first, second, third, fourth = markers
    assert (first.scope, first.words, first.reason) == ("file", ("K8S020", "docker-socket-mount"), "vendored chart")
    assert (second.scope, second.lines, second.reason, str(second.until)) == (
        "line", frozenset({2}), "pinned upstream", "2030-01-31")
    assert third.problems == ["names no check (empty brackets)"]
    assert (fourth.tool, fourth.words, fourth.lines) == ("hadolint", ("DL3007",), frozenset({4, 5}))
