"""The GitHub Actions workflow model, its facts, and properties of the GHA checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks import gha
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models import workflow as wfmod
from auditui.checks.models.workflow import Workflow, parse_uses, untrusted_contexts
from auditui.checks.models.yamlnodes import load_documents
from auditui.checks.parse import parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "gha"
PATH = ".github/workflows/ci.yml"


def load(text: str, path: str = PATH):
    parsed = parse_text(path, text)
    assert parsed is not None and not parsed.problems, parsed and parsed.problems
    return parsed


def workflow(text: str) -> Workflow:
    units = [unit for unit in load(text).units if isinstance(unit, Workflow)]  # run: steps add shell units
    assert len(units) == 1
    return units[0]


def run_checks(wf: Workflow):
    """The per-file checks on one workflow (repository checks, GHA016/GHA017, read facts instead)."""
    return [f for check in gha.CHECKS if not check.repo for f in (check.func(wf) or ())]


# -- triggers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("on: push", {"push"}),
        ("on: [push, pull_request]", {"push", "pull_request"}),
        ("on:\n  - push\n  - workflow_dispatch", {"push", "workflow_dispatch"}),
        ("on:\n  push:\n    branches: [main]\n  pull_request_target:", {"push", "pull_request_target"}),
        ('"on": {schedule: [{cron: "0 0 * * *"}]}', {"schedule"}),
        ("'on': workflow_call", {"workflow_call"}),
        ("on:", set()),
        ("on: 5", set()),
    ],
)
def test_triggers_are_normalised_from_string_list_and_mapping(on, expected):
    wf = workflow(f"{on}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n")
    assert wf.triggers == expected


# -- permissions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "kind", "writes"),
    [
        ("", "absent", []),
        ("permissions: write-all\n", "write-all", ["*"]),
        ("permissions: read-all\n", "read-all", []),
        ("permissions: {}\n", "map", []),
        ("permissions:\n", "map", []),
        ("permissions:\n  contents: read\n  Packages: Write\n", "map", ["packages"]),
        ("permissions: 7\n", "other", []),
    ],
)
def test_permissions_kinds(block, kind, writes):
    wf = workflow(f"on: push\n{block}jobs:\n  a:\n    runs-on: x\n    steps: [{{run: make}}]\n")
    assert wf.permissions.kind == kind
    assert wf.permissions.writes == writes


# -- jobs, steps, positions, resources ---------------------------------------------------

SAMPLE = """\
name: CI
on: push
env:
  A: "1"
concurrency: ci
jobs:
  build:
    name: Build it
    runs-on: [self-hosted, linux]
    needs: lint
    environment: {name: production, url: https://x}
    permissions: {contents: read}
    env: {B: "2"}
    steps:
      - uses: actions/checkout@v4
      - id: make
        name: Make
        run: make
        with: {x: 1}
        env: {C: "3"}
  call:
    needs: [build, lint]
    uses: org/repo/.github/workflows/reuse.yml@main
"""


def test_jobs_and_steps_carry_resources_lines_and_fields():
    wf = workflow(SAMPLE)
    assert wf.resource == "workflow/ci"
    assert wf.name == "CI" and wf.concurrency == "ci" and wf.env == {"A": "1"}
    build, call = wf.jobs
    assert (build.id, build.resource, build.line) == ("build", "job/build", 7)
    assert build.name == "Build it" and build.environment == "production"
    assert build.needs == ["lint"] and build.runs_on == ["self-hosted", "linux"]
    assert build.permissions.kind == "map" and build.env == {"B": "2"}
    first, second = build.steps
    assert (first.index, first.resource, first.line) == (0, "job/build/step/1", 15)
    assert first.uses == "actions/checkout@v4" and first.run is None
    assert (second.id, second.name, second.run, second.resource) == ("make", "Make", "make", "job/build/step/2")
    assert second.with_ == {"x": 1} and second.env == {"C": "3"}
    assert call.reusable and call.uses.endswith("@main") and call.needs == ["build", "lint"]
    assert call.steps == [] and call.action.path == ".github/workflows/reuse.yml"


def test_parse_uses_forms():
    assert parse_uses("actions/checkout@v4").github_owned
    ref = parse_uses("Org/Repo/sub/dir@" + "a" * 40)
    assert ref.kind == "repo" and ref.name == "org/repo" and ref.path == "sub/dir" and ref.pinned_to_sha
    assert parse_uses("./.github/actions/x").kind == "local"
    assert parse_uses("docker://alpine@sha256:" + "0" * 64).pinned_to_sha
    assert not parse_uses("docker://alpine:3").pinned_to_sha
    assert parse_uses("nothing").kind == "invalid"
    assert parse_uses(5) is None and parse_uses("  ") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("echo ${{ github.event.issue.title }}", ["github.event.issue.title"]),
        ("echo ${{github.event['pull_request']['body']}}", ["github.event.pull_request.body"]),
        ("${{ github.event.pages[0].page_name }} ${{ github.event.commits.*.message }}",
         ["github.event.pages[0].page_name", "github.event.commits.*.message"]),
        ("${{ toJSON(github.event) }}", ["github.event"]),
        ("${{ github.head_ref || github.ref_name }}", ["github.head_ref"]),
        ("${{ github.event.issue.number }} ${{ github.event.pull_request.head.sha }}", []),
        ("${{ github.event.issue.title_length }} github.event.issue.title", []),
        ("echo $TITLE", []),
    ],
)
def test_untrusted_contexts(text, found):
    assert untrusted_contexts(text) == found


# -- facts ----------------------------------------------------------------------------


def test_facts_tell_the_repository_about_ci_deploys_and_image_builds():
    parsed = load(
        "on: [push]\njobs:\n"
        "  test:\n    runs-on: x\n    steps:\n      - run: docker build -t app -f docker/Dockerfile .\n"
        "  deploy:\n    runs-on: x\n    environment: production\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with: {context: ./svc, push: true}\n"
    )
    by_topic = {}
    for fact in parsed.facts:
        by_topic.setdefault(fact.topic, []).append(fact)
    (wf_fact,) = by_topic["workflow"]
    assert wf_fact.key == PATH and wf_fact.data.triggers == ("push",)
    assert wf_fact.data.deploys is True and wf_fact.data.jobs == 2
    builds = {f.key: f for f in by_topic["workflow:image-build"]}
    assert builds[f"{PATH}#test"].data.context == "." and builds[f"{PATH}#test"].data.dockerfile == "docker/Dockerfile"
    assert builds[f"{PATH}#deploy"].data.context == "svc" and builds[f"{PATH}#deploy"].data.push is True


def test_a_ci_only_workflow_does_not_deploy():
    parsed = load("on: pull_request\njobs:\n  t:\n    runs-on: x\n    steps: [{run: pytest}]\n")
    (fact,) = [f for f in parsed.facts if f.topic == "workflow"]
    assert fact.data.deploys is False


# -- robustness ----------------------------------------------------------------------

ODD = [
    "on:\njobs:\n",
    "jobs: []\n",
    "on: push\njobs:\n  a:\n  b: 5\n  c: [1, 2]\n",
    "on: push\njobs:\n  a:\n    steps: run make\n",
    "on: push\njobs:\n  a:\n    steps: [null, 1, [], {uses: 3}, {run: [1]}, {with: x, env: 5}]\n",
    "on: push\npermissions: [x]\nenv: [1]\nconcurrency: {}\njobs:\n  a:\n    environment: [x]\n"
    "    needs: 5\n    uses: [x]\n    permissions: write\n    container: alpine\n    services: [x]\n"
    "    secrets: inherit\n    with: 3\n    steps:\n      - run: docker build 'unclosed\n      - run: docker build\n"
    "      - uses: docker/build-push-action@v6\n        with: {context: null, platforms: [a]}\n",
    "on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout\n        with: [ref]\n"
    "      - run: gh pr checkout\n",
    "- just\n- a list\n",
    "42\n",
    "on: push\njobs:\n  ? [complex, key]\n  : {steps: [{run: x}]}\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_input_never_raises(text):
    parsed = parse_text(PATH, text)
    assert parsed is not None
    for unit in parsed.units:
        if isinstance(unit, Workflow):
            run_checks(unit)


def test_checks_on_odd_input_through_the_engine_raise_nothing(tmp_path):
    wf_dir = tmp_path / ".github" / "workflows"
    wf_dir.mkdir(parents=True)
    for number, text in enumerate(ODD):
        (wf_dir / f"odd{number}.yml").write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    assert [n.message for n in engine.check_errors] == []


# -- properties of the checks -----------------------------------------------------------


def test_a_hardened_workflow_is_quiet():
    engine = Engine(FIXTURES / "_hardened")
    engine.scan()
    gha_findings = [f"{f.location} {f.code} {f.message}" for f in engine.findings if f.code.startswith("GHA")]
    assert gha_findings == []


def test_github_owned_actions_are_low_and_third_party_medium():
    wf = workflow(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: github/codeql-action/init@v3\n"
        "      - uses: tj-actions/changed-files@v45\n"
    )
    findings = [f for f in run_checks(wf) if f.code == "GHA005"]
    assert [f.severity for f in findings] == [Severity.LOW, Severity.LOW, Severity.MEDIUM]


def test_top_level_write_severity_follows_the_scope():
    # many scopes reaching a job that runs a third-party action by tag: each scope at its own weight
    wf = workflow(
        "on: push\npermissions: {contents: write, statuses: write, checks: write}\njobs:\n"
        "  a: {runs-on: x, steps: [{uses: some-org/tool@v1}]}\n  b: {runs-on: x, steps: [{run: b}]}\n"
    )
    findings = {f.evidence: f.severity for f in run_checks(wf) if f.code == "GHA003"}
    assert findings == {"contents: write": Severity.HIGH, "statuses: write": Severity.LOW,
                        "checks: write": Severity.MEDIUM}
    # the same grant where every action is pinned or the platform's: over-broad, not exposed
    trusted = workflow(
        "on: push\npermissions: {contents: write, statuses: write, checks: write}\njobs:\n"
        "  a: {runs-on: x, steps: [{uses: actions/checkout@v4}]}\n  b: {runs-on: x, steps: [{run: b}]}\n"
    )
    findings = {f.evidence: f.severity for f in run_checks(trusted) if f.code == "GHA003"}
    assert findings == {"contents: write": Severity.MEDIUM, "statuses: write": Severity.LOW,
                        "checks: write": Severity.MEDIUM}


def test_secret_evidence_never_shows_the_value():
    secret = "Zq8vLp2rT9wXy7Kd"
    token = "ghp_" + "aB3" * 12
    wf = workflow(
        f"on: push\npermissions: {{}}\nenv:\n  DB_PASSWORD: {secret}\njobs:\n  a:\n    runs-on: x\n"
        f"    steps:\n      - run: |\n          curl -H 'Authorization: token {token}' https://api.github.com\n"
    )
    findings = [f for f in run_checks(wf) if f.code == "GHA001"]
    assert len(findings) == 2
    for finding in findings:
        text = f"{finding.message} {finding.evidence}"
        assert secret not in text and token not in text and token[:10] not in text


def test_editing_a_workflow_updates_its_facts_and_findings(tmp_path):
    wf_dir = tmp_path / ".github" / "workflows"
    wf_dir.mkdir(parents=True)
    target = wf_dir / "deploy.yaml"
    target.write_text("on: push\npermissions: {}\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make}]\n")
    engine = Engine(tmp_path)
    engine.scan()
    facts = dict(engine.index.facts("workflow"))
    assert facts[".github/workflows/deploy.yaml"].data.deploys is False
    target.write_text(
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make}]\n"
        "  deploy:\n    runs-on: x\n    steps: [{run: kubectl apply -f k8s/}]\n"
    )
    delta = engine.update([target])
    assert sorted(f.code for f in delta.added) == ["GHA008", "GHA009"]
    facts = dict(engine.index.facts("workflow"))
    assert facts[".github/workflows/deploy.yaml"].data.deploys is True


def test_every_gha_module_has_its_fixture_folder():
    for check in gha.CHECKS:
        folder = FIXTURES / check.name
        assert (folder.is_dir() and any(p.name.startswith("bad") for p in folder.iterdir())
                and any(p.name.startswith("good") for p in folder.iterdir())), check.name
    assert wfmod.PRIVILEGED_EVENTS == {"pull_request_target", "workflow_run", "issue_comment", "repository_dispatch"}


# -- build arguments an image build passes (Dockerfile FROM ${BASE}) ------------------------


def test_build_args_of_the_build_action_and_of_docker_build_in_a_script():
    wf = workflow("""
on: push
defaults:
  run:
    working-directory: ./svc
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: app
          build-args: |
            BASE=python:3.12
            TAG=${{ github.sha }}
            not an argument
      - run: |
          docker build --build-arg A=1 --build-arg=B=$X --build-arg C -f ci/Dockerfile .
          cd api && docker buildx build --build-arg D=2 .
          cd "$SOMEWHERE" && docker build --build-arg E=3 .
""")
    action, script = wf.jobs[0].steps
    [build] = action.image_builds()
    assert build.dockerfile == "app/Dockerfile"
    assert [(a.name, a.value) for a in build.args] == [("BASE", "python:3.12"), ("TAG", None)]
    assert build.args[1].written == "TAG=${{ github.sha }}"
    first, second, third = script.image_builds()
    assert (first.context, first.dockerfile) == ("svc", "svc/ci/Dockerfile")  # the workflow's working-directory
    assert [(a.name, a.value) for a in first.args] == [("A", "1"), ("B", None), ("C", None)]
    assert (second.dockerfile, [(a.name, a.value) for a in second.args]) == ("svc/api/Dockerfile", [("D", "2")])
    assert not third.concrete  # after a cd auditui cannot follow, which Dockerfile is built is not known
    assert script.image_build() == first


def test_passed_build_args_leave_out_builds_whose_dockerfile_is_not_known():
    text = """
on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with: {file: "${{ matrix.file }}", build-args: "BASE=node:latest"}
      - uses: docker/build-push-action@v6
        with: {context: ./web/, build-args: "BASE=node:22"}
      - uses: docker/build-push-action@v6
        with: {context: ./other}
"""
    [passed] = wfmod.passed_build_args(PATH, text)
    assert passed.dockerfile == "web/Dockerfile" and passed.where.startswith(f"{PATH}:9 step 2")
    assert [(a.name, a.value) for a in passed.args] == [("BASE", "node:22")]


# -- files of a checked-out pull request head are an outsider's text (GHA007) -----------------


@pytest.mark.parametrize("text", [
    "$(cat VERSION)", "$(< .github/preview.json)", "$(jq -r '.version' package.json)", "$(yq e '.name' chart/Chart.yaml)",
    "$(head -n 1 CHANGELOG.md)", "$(cut -d= -f2 version.env)", "$(grep -m1 version pyproject.toml)",
    "$(node -p \"require('./package.json').version\")", "$(git log -1 --format=%s)",
    "$(git diff --name-only origin/main...HEAD)", "$(cat $GITHUB_WORKSPACE/VERSION)",
])
def test_head_file_reads(text):
    assert wfmod.head_file_read(text) is not None


@pytest.mark.parametrize("text", [
    "$(date +%s)", "${{ github.event.pull_request.head.sha }}", "$(echo cat VERSION)", "$(jq -r .x <<< \"$JSON\")",
    "$(cat \"$GITHUB_EVENT_PATH\" | jq -r .number)", "$(git rev-parse HEAD)", "$(sort)", "plain text", "$(cat <<EOF",
])
def test_not_head_file_reads(text):
    assert wfmod.head_file_read(text) is None


def test_a_head_file_expanded_in_a_job_holding_a_secret_is_critical():
    text = """
on: pull_request_target
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {ref: "${{ github.event.pull_request.head.ref }}"}
      - id: v
        run: echo "v=$(cat VERSION)" >> $GITHUB_OUTPUT
      - run: ./deploy.sh ${{ steps.v.outputs.v }}
        env: {TOKEN: "${{ secrets.DEPLOY_TOKEN }}"}
"""
    found = [f for f in run_checks(workflow(text)) if f.code == "GHA007"]
    assert [(f.severity, f.line) for f in found] == [(Severity.CRITICAL, 11)]
    assert "pull request head that step 1 checked out (`cat VERSION`)" in found[0].message
    # the same workflow on pull_request: the checkout is the pull request's own run, not a privileged one
    assert not [f for f in run_checks(workflow(text.replace("pull_request_target", "pull_request"))) if f.code == "GHA007"]
