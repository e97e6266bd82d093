"""Trusted-head guards in `if:` conditions (the expression model) and the checks that read them."""

from __future__ import annotations

import pytest

from auditui.checks import gha
from auditui.checks.api import Severity
from auditui.checks.models.workflow import Workflow, trusted_head_only
from auditui.checks.models.workflow_expr import guard_for, head_guard, parse_condition
from auditui.checks.parse import parse_text


def workflow(text: str) -> Workflow:
    parsed = parse_text(".github/workflows/ci.yml", text)
    assert parsed is not None and not parsed.problems
    units = [unit for unit in parsed.units if isinstance(unit, Workflow)]
    assert len(units) == 1
    return units[0]


def findings(text: str, code: str) -> list:
    wf = workflow(text)
    check = next(c for c in gha.CHECKS if c.code == code)
    return list(check.func(wf) or ())


@pytest.mark.parametrize(("condition", "kind"), [
    ("github.event.pull_request.head.repo.full_name == github.repository", "same-repo"),
    ("${{ github.repository == github.event.pull_request.head.repo.full_name }}", "same-repo"),
    ("github.event.pull_request.head.repo.full_name == 'acme/site' && github.event.action != 'closed'", "same-repo"),
    ("!github.event.pull_request.head.repo.fork", "same-repo"),
    ("github.event['pull_request']['user']['login'] == 'dependabot[bot]'", "bot-author"),
    ("contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.pull_request.author_association)", "member-author"),
    ("github.event.comment.author_association == 'MEMBER'", "member-commenter"),
    ("contains(github.event.pull_request.labels.*.name, 'safe to test')", "label"),
    ("github.actor == 'renovate[bot]'", "bot-actor"),
    # both alternatives guarded: the weaker one decides
    ("github.event.pull_request.head.repo.full_name == github.repository || github.actor == 'dependabot[bot]'",
     "bot-actor"),
])
def test_guards_are_read_from_the_expression(condition, kind):
    guard = head_guard(condition)
    assert guard is not None and guard.kind == kind


@pytest.mark.parametrize("condition", [
    "!(github.event.pull_request.head.repo.full_name == github.repository)",  # negated: the forks only
    "github.event.pull_request.head.repo.full_name != github.repository",
    "github.event.pull_request.head.repo.full_name == github.repository || github.event.action == 'opened'",
    "github.event.pull_request.user.login == 'octocat'",  # a person's login is no bot
    "contains(fromJSON('[\"OWNER\",\"NONE\"]'), github.event.pull_request.author_association)",
    "github.event.pull_request.author_association != 'FIRST_TIME_CONTRIBUTOR'",
    "contains(github.event.comment.body, '/test')",
    "github.event.pull_request.head.repo.full_name == github.repository &&& true",  # unreadable
    "head.repo.full_name == github.repository ${{ true }}",  # text around an expression: always true
])
def test_no_guard_when_an_outsider_can_meet_the_condition(condition):
    assert head_guard(condition) is None


def test_unreadable_conditions_parse_to_none():
    assert parse_condition("a == (b") is None
    assert parse_condition("a ==") is None
    assert parse_condition("x" * 5000 + " == 'y'") is not None


def test_fork_test_counts_only_where_the_pull_request_is_filled_in():
    condition = "github.event.pull_request.head.repo.fork == false"
    assert guard_for(["pull_request_target"], condition) is not None
    assert guard_for(["pull_request_target", "issue_comment"], condition) is None
    assert trusted_head_only(condition, ["pull_request_target"])
    assert not trusted_head_only(condition, ["workflow_run"])


def test_step_condition_guards_with_the_job_condition():
    guard = head_guard("github.event.action == 'labeled'", "github.event.pull_request.user.login == 'dependabot[bot]'")
    assert guard is not None and guard.kind == "bot-author"


_CHECKOUT = """
on: pull_request_target
permissions: {contents: read}
jobs:
  test:
    if: %s
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{ github.event.pull_request.head.ref }}
          persist-credentials: false
      - run: make
"""


@pytest.mark.parametrize(("condition", "severity", "named"), [
    ("github.event.pull_request.user.login == 'dependabot[bot]'", Severity.MEDIUM, "user.login"),
    ("github.actor == 'dependabot[bot]'", Severity.HIGH, "github.actor"),
    ("contains(github.event.pull_request.labels.*.name, 'ok')", Severity.HIGH, "labels"),
    ("\"!(github.event.pull_request.user.login == 'dependabot[bot]')\"", Severity.CRITICAL, None),
    ("github.event.pull_request.user.login == 'dependabot[bot]' || true", Severity.CRITICAL, None),
])
def test_gha006_is_lowered_by_a_guard_and_names_it(condition, severity, named):
    found = findings(_CHECKOUT % condition, "GHA006")
    assert len(found) == 1
    assert found[0].severity == severity
    if named:
        assert "lowered" in found[0].message and named in found[0].message
    else:
        assert "lowered" not in found[0].message


def test_gha006_same_repo_guard_leaves_the_job_alone():
    assert findings(_CHECKOUT % "github.event.pull_request.head.repo.full_name == github.repository", "GHA006") == []


_LABELER = """
on: pull_request_target
permissions: {contents: read}
jobs:
  label:
    if: %s
    runs-on: ubuntu-24.04
    steps:
      - id: app
        uses: actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e
        with:
          app-id: ${{ vars.APP_ID }}
          private-key: ${{ secrets.APP_KEY }}
      - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9
        with:
          repo-token: ${{ steps.app.outputs.token }}
"""


def test_gha014_guarded_job_is_not_exposed_and_names_the_guard():
    found = findings(_LABELER % "github.event.pull_request.head.repo.full_name == github.repository", "GHA014")
    assert len(found) == 1 and found[0].severity == Severity.MEDIUM
    assert "head.repo.full_name == github.repository" in found[0].message


_HEAD_LABELER = _LABELER.replace("""      - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9
        with:
          repo-token: ${{ steps.app.outputs.token }}
""", """      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && node scripts/label.js
        env:
          GH_TOKEN: ${{ steps.app.outputs.token }}
""")


def test_gha014_weak_or_negated_guard_stays_exposed():
    for condition in ("github.actor == 'dependabot[bot]'",
                      "github.event.pull_request.head.repo.full_name != github.repository"):
        # the guard does not keep outsiders out: the pull request's code runs with the token
        found = findings(_HEAD_LABELER % condition, "GHA014")
        assert len(found) == 1 and found[0].severity == Severity.HIGH, condition
        # pinned actions only, the token passed from its minting step: outsiders start the job but
        # write nothing that runs with the token (medium), and the weak guard is not named as one
        found = findings(_LABELER % condition, "GHA014")
        assert len(found) == 1 and found[0].severity == Severity.MEDIUM, condition
        assert "runs only fixed code" in found[0].message and "only if" not in found[0].message



_RELEASE = """
on:
  workflow_dispatch:
  schedule: [{cron: "0 18 15 * *"}]
permissions: {contents: read}
jobs:
  release:
    if: %s
    runs-on: ubuntu-24.04
    steps:
      - id: token
        uses: actions/create-github-app-token@bcd2ba49218906704ab6c1aa796996da409d3eb1
        with:
          app-id: ${{ vars.BOT_CLIENT_ID }}
          private-key: ${{ secrets.BOT_PRIVATE_KEY }}
      - uses: acme/craft@v2
        env:
          GITHUB_TOKEN: ${{ steps.token.outputs.token }}
"""


@pytest.mark.parametrize(("condition", "severity"), [
    # the organisation's own action by a tag: whoever can move it already administers the org
    ("github.repository_owner == 'acme'", Severity.MEDIUM),
    ("github.repository == 'acme/releases'", Severity.MEDIUM),
    # another owner's action by a movable tag: whoever moves it reads the token
    ("github.repository_owner == 'other'", Severity.HIGH),
    ("true", Severity.HIGH),
])
def test_gha014_own_organisation_action_is_not_third_party(condition, severity):
    found = findings(_RELEASE % condition, "GHA014")
    assert len(found) == 1 and found[0].severity == severity, condition
    assert ("third-party 'acme/craft@v2'" in found[0].message) == (severity == Severity.HIGH)

# -- GHA007: outsider text carried through step and job outputs ------------------------------

_CARRIED = """
on: %(on)s
permissions: {contents: read%(perm)s}
jobs:
  info:
    %(cond)s
    runs-on: ubuntu-24.04
    outputs:
      ref: ${{ steps.pr.outputs.ref }}
      sha: ${{ steps.pr.outputs.sha }}
    steps:
      - id: pr
        run: |
          REF=$(gh pr view ${{ github.event.issue.number }} --json headRefName -q .headRefName)
          SHA=$(gh pr view ${{ github.event.issue.number }} --json headRefOid -q .headRefOid)
          echo "ref=$REF" >> $GITHUB_OUTPUT
          echo "sha=$SHA" >> $GITHUB_OUTPUT
  use:
    needs: info
    %(cond)s
    runs-on: ubuntu-24.04
    steps:
      - run: ./build.sh ${{ needs.info.outputs.sha }}
      - run: ./build.sh ${{ needs.info.outputs.ref }}
"""


def _carried(on="issue_comment", perm=", id-token: write", cond="if: true"):
    return findings(_CARRIED % {"on": on, "perm": perm, "cond": cond}, "GHA007")


def test_gha007_follows_a_job_output_to_its_source_and_not_the_sha():
    found = _carried()
    assert len(found) == 1
    assert "needs.info.outputs.ref" in found[0].message and "headRefName" in found[0].message
    assert "sha" not in found[0].evidence


def test_gha007_severity_follows_the_trigger_and_what_the_job_holds():
    assert _carried()[0].severity == Severity.CRITICAL
    assert _carried(perm="")[0].severity == Severity.HIGH  # nothing beyond a read token
    assert _carried(on="pull_request")[0].severity == Severity.MEDIUM
    # a bot author's pull request only: the branch is a bot's
    guarded = _carried(cond="if: github.event.issue.user.login == 'dependabot[bot]'")
    assert guarded[0].severity == Severity.HIGH
    # a member's comment does not help: the branch name is still the pull request author's
    member = _carried(cond="if: github.event.comment.author_association == 'MEMBER'")
    assert member[0].severity == Severity.CRITICAL


def test_gha007_output_overwritten_with_trusted_data_is_not_tainted():
    text = """
on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - id: s
        env:
          TITLE: ${{ github.event.pull_request.title }}
        run: |
          NAME="$TITLE"
          NAME="fixed"
          echo "name=$NAME" >> $GITHUB_OUTPUT
          echo "title=$TITLE" >> $GITHUB_OUTPUT
      - run: echo ${{ steps.s.outputs.name }}
      - run: echo ${{ steps.s.outputs.title }}
"""
    found = findings(text, "GHA007")
    assert len(found) == 1 and "steps.s.outputs.title" in found[0].message


def test_gha007_typed_field_of_a_tainted_json_output_carries_no_text():
    # the step output holds the JSON (its title is an outsider's text); the number GitHub
    # assigned, its state or its ID cannot hold a shell command, the title can
    text = """
on:
  issues:
    types: [opened]
permissions: {issues: write}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - id: found
        env:
          TITLE: ${{ github.event.issue.title }}
        run: echo "result=$(gh issue list --search "$TITLE" --json number,title,state)" >> $GITHUB_OUTPUT
      - run: gh issue reopen ${{ fromJSON(steps.found.outputs.result)[0].number }}
      - run: echo ${{ fromJSON(steps.found.outputs.result)[0].state }} ${{ fromJson(steps.found.outputs.result).id }}
      - run: echo ${{ fromJSON(steps.found.outputs.result)[0].title }}
      - run: echo ${{ fromJSON(steps.found.outputs.result)[0].number }} ${{ steps.found.outputs.result }}
"""
    found = findings(text, "GHA007")
    assert [f.resource for f in found] == ["job/a/step/4", "job/a/step/5"]
