"""GHA016: a reusable workflow of the same repository is judged in its caller's context."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.engine import Engine

CALLED = """on: workflow_call
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: make
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _caller(trigger: str) -> str:
    return f"""on: {trigger}
jobs:
  call:
    permissions: {{contents: write}}
    uses: ./.github/workflows/called.yml
"""


def _found(engine: Engine) -> list[tuple[str, str]]:
    return sorted((f.path, f.severity.name.lower()) for f in engine.findings if f.code == "GHA016")


def test_severity_follows_who_starts_the_caller(tmp_path: Path):
    _write(tmp_path, {".github/workflows/called.yml": CALLED,
                      ".github/workflows/outsiders.yml": _caller("pull_request_target"),
                      ".github/workflows/push.yml": _caller("push"),
                      ".github/workflows/nightly.yml": _caller("schedule")})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == [(".github/workflows/nightly.yml", "low"), (".github/workflows/outsiders.yml", "high"),
                              (".github/workflows/push.yml", "medium")]


def test_a_change_to_the_called_workflow_rejudges_the_caller(tmp_path: Path):
    _write(tmp_path, {".github/workflows/called.yml": CALLED, ".github/workflows/push.yml": _caller("push")})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == [(".github/workflows/push.yml", "medium")]
    called = tmp_path / ".github/workflows/called.yml"
    called.write_text(CALLED + "      - run: git push origin HEAD:refs/heads/release\n")
    engine.update([called])
    assert _found(engine) == []  # the called workflow now pushes: the scope is used
    called.unlink()
    engine.update([called])
    assert _found(engine) == []  # gone from the repository: nothing is claimed


def test_a_remote_reusable_workflow_is_a_notice_not_a_finding(tmp_path: Path):
    _write(tmp_path, {".github/workflows/push.yml": """on: push
jobs:
  call:
    permissions: {contents: write}
    uses: example-org/workflows/.github/workflows/build.yml@v1.2.0
    secrets: inherit
"""})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == []
    notices = [n.message for n in engine.all_notices() if "reusable workflow of another repository" in n.message]
    assert len(notices) == 1 and "example-org/workflows/.github/workflows/build.yml@v1.2.0" in notices[0]
    assert "not read" in notices[0]


HEAD_CHECKOUT = """on: workflow_call
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with: {ref: "${{ github.event.pull_request.head.sha }}"}
      - run: make test
"""


def test_a_privileged_caller_of_a_head_checkout_is_critical_with_secrets_high_without(tmp_path: Path):
    _write(tmp_path, {".github/workflows/ci.yml": HEAD_CHECKOUT,
                      ".github/workflows/secrets.yml": "on: pull_request_target\njobs:\n  t:\n"
                                                       "    uses: ./.github/workflows/ci.yml\n    secrets: inherit\n",
                      ".github/workflows/bare.yml": "on: pull_request_target\njobs:\n  t:\n"
                                                    "    uses: ./.github/workflows/ci.yml\n",
                      ".github/workflows/plain.yml": "on: pull_request\njobs:\n  t:\n"
                                                     "    uses: ./.github/workflows/ci.yml\n    secrets: inherit\n"})
    engine = Engine(tmp_path)
    engine.scan()
    found = sorted((f.path, f.severity.name.lower()) for f in engine.findings if f.code == "GHA017")
    assert found == [(".github/workflows/bare.yml", "high"), (".github/workflows/secrets.yml", "critical")]
    assert not [f for f in engine.findings if f.code == "GHA006"]  # the called file alone is not privileged
    message = next(f.message for f in engine.findings if f.code == "GHA017" and f.path.endswith("secrets.yml"))
    assert "all of the repository's secrets (inherited)" in message


def test_calls_are_followed_through_nested_reusable_workflows(tmp_path: Path):
    middle = "on: workflow_call\njobs:\n  inner:\n    uses: ./.github/workflows/inner.yml\n"
    _write(tmp_path, {".github/workflows/push.yml": _caller("push"), ".github/workflows/called.yml": middle,
                      ".github/workflows/inner.yml": CALLED})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == [(".github/workflows/push.yml", "medium")]  # inner only runs make
    inner = tmp_path / ".github/workflows/inner.yml"
    inner.write_text("on: workflow_call\njobs:\n  release:\n    permissions: {contents: write}\n"
                     "    runs-on: ubuntu-24.04\n    steps:\n      - run: make release\n")
    engine.update([inner])
    assert _found(engine) == []  # inner declares contents: write, which only the caller can grant


def test_a_scope_another_called_job_declares_is_named_in_the_message(tmp_path: Path):
    called = CALLED + "  release:\n    permissions: {contents: write}\n    runs-on: ubuntu-24.04\n" \
                      "    steps:\n      - run: make release\n"
    _write(tmp_path, {".github/workflows/push.yml": _caller("push"), ".github/workflows/called.yml": called})
    engine = Engine(tmp_path)
    engine.scan()
    messages = [f.message for f in engine.findings if f.code == "GHA016"]
    assert len(messages) == 1 and "set `permissions:` on the others" in messages[0] and "'build'" in messages[0]


def test_this_repositorys_own_workflow_called_by_its_remote_name_is_read_like_a_local_one(tmp_path: Path):
    caller = """on: push
jobs:
  call:
    if: github.repository == 'example-org/app'
    permissions: {contents: write}
    uses: example-org/app/.github/workflows/called.yml@main
"""
    _write(tmp_path, {".github/workflows/called.yml": CALLED, ".github/workflows/push.yml": caller})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == [(".github/workflows/push.yml", "medium")]
    message = next(f.message for f in engine.findings if f.code == "GHA016")
    assert "example-org/app/.github/workflows/called.yml@main is this repository's own file" in message
    assert "compares github.repository to 'example-org/app'" in message and "not fetched" in message
    # without the guard nothing says which repository this is: the remote file is not read
    push = tmp_path / ".github/workflows/push.yml"
    push.write_text(caller.replace("    if: github.repository == 'example-org/app'\n", ""))
    engine.update([push])
    assert _found(engine) == []
    # the guard may live in another workflow of the repository
    guard = tmp_path / ".github/workflows/forks.yml"
    guard.write_text("on: push\njobs:\n  x:\n    if: ${{ github.repository != 'Example-Org/App' }}\n"
                     "    runs-on: ubuntu-24.04\n    steps: [{run: echo fork}]\n")
    engine.update([guard])
    assert _found(engine) == [(".github/workflows/push.yml", "medium")]


def test_a_remote_name_is_this_repository_only_when_every_path_it_names_is_here(tmp_path: Path):
    caller = """on: push
jobs:
  lint:
    runs-on: ubuntu-24.04
    permissions: {}
    steps: [{uses: example-org/tools/.github/actions/setup@v1}]
  call:
    permissions: {contents: write}
    uses: example-org/tools/.github/workflows/called.yml@v1
"""
    _write(tmp_path, {".github/workflows/called.yml": CALLED, ".github/workflows/push.yml": caller})
    engine = Engine(tmp_path)
    engine.scan()
    assert _found(engine) == []  # the action's folder is not here: perhaps a copy of a shared workflow
    action = tmp_path / ".github/actions/setup/action.yml"
    _write(tmp_path, {".github/actions/setup/action.yml": "runs: {using: composite, steps: []}\n"})
    engine.update([action])
    assert _found(engine) == [(".github/workflows/push.yml", "medium")]
    assert "name 2 files of example-org/tools remotely" in next(f.message for f in engine.findings if f.code == "GHA016")


def test_a_call_only_a_maintainers_request_starts_is_high_not_critical():
    """pr-guard-not-read (held-out set 6): an issue_comment call gated on a preceding job's check of the
    commenter's permission (getCollaboratorPermissionLevel admin/maintain) is high; ungated, critical."""
    root = Path(__file__).parent / "fixtures" / "gha" / "untrusted-checkout-in-called-workflow" / "bad-calls"
    engine = Engine(root)
    engine.scan()
    found = {f.resource: f for f in engine.findings if f.code == "GHA017" and f.path.endswith("e2e-comment.yml")}
    assert found["job/e2e"].severity.name == "HIGH"
    assert "only when a maintainer asks" in found["job/e2e"].message
    assert "check-permissions" in found["job/e2e"].message
    assert found["job/e2e-anyone"].severity.name == "CRITICAL"
    assert found["job/e2e-member"].severity.name == "HIGH"
    assert "member's comment" in found["job/e2e-member"].message


def test_a_call_behind_a_guard_job_it_needs_is_high_and_says_what_auditui_could_not_read():
    """remote guard (bitwarden's build_target.yml): a pull_request_target call that needs a job which fails
    unless someone with rights started the run - another repository's guard workflow named for it, an
    environment (approval), a permission check that fails the job - is a maintainer's request: high.
    A path filter is no guard, and always() runs the call whatever the guard said: critical."""
    root = Path(__file__).parent / "fixtures" / "gha" / "untrusted-checkout-in-called-workflow" / "bad-calls"
    engine = Engine(root)
    engine.scan()
    found = {f.resource: f for f in engine.findings if f.code == "GHA017" and f.path.endswith("pr-target-gated.yml")}
    assert {job: f.severity.name for job, f in found.items()} == {
        "job/build": "HIGH", "job/build-approved": "HIGH", "job/build-permitted": "HIGH",
        "job/build-anyway": "CRITICAL", "job/build-changed": "CRITICAL"}
    assert "auditui cannot read" in found["job/build"].message and "check-run.yml" in found["job/build"].message
    assert "environment 'external-pull-requests'" in found["job/build-approved"].message

