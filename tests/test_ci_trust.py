"""The CI trust boundary (issue 13 item 6): severities and messages the fixture markers cannot show."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.config import Config
from auditui.checks.engine import Engine
from helpers import write

FIXTURES = Path(__file__).parent / "fixtures" / "gha"


def scan(root: Path, code: str, persona: str | None = None) -> list:
    engine = Engine(root, Config(persona=persona)) if persona else Engine(root)
    engine.scan()
    assert engine.check_errors == []
    return sorted((f for f in engine.findings if f.code == code), key=lambda f: (f.path, f.line or 0))


def workflow_repo(tmp_path: Path, text: str, name: str = "ci.yml") -> Path:
    write(tmp_path, f".github/workflows/{name}", text)
    return tmp_path


# -- GHA003: workflow-wide writes, by who can start the run and what the jobs use ----------


def test_gha003_write_all_and_many_scopes_on_trusted_triggers_are_medium():
    # push only, no third-party code: over-broad, but nobody outside can reach the token
    found = scan(FIXTURES / "excessive-workflow-permissions" / "bad", "GHA003")
    by_scope = {f.evidence: f.severity for f in found}
    assert by_scope["contents: write"] == Severity.MEDIUM  # three write scopes at once
    assert by_scope["permissions: write-all"] == Severity.MEDIUM
    (single,) = scan(FIXTURES / "excessive-workflow-permissions" / "bad-write-all", "GHA003")
    assert single.severity == Severity.MEDIUM and "not exposed" in single.message


def test_gha003_write_all_is_high_when_third_party_code_by_tag_reaches_it():
    found = {f.line: f for f in scan(FIXTURES / "excessive-workflow-permissions" / "bad-write-all-exposure", "GHA003")}
    # pinned or vendor-published actions (docker/login-action@v3 is Docker's own) on push / dispatch
    assert found[11].severity == Severity.MEDIUM
    # a job-level grant with a third party's action by tag (owner spelt in capitals: same owner)
    assert found[32].severity == Severity.HIGH and "'Some-Org/Release-Action@v2'" in found[32].message
    # a docker:// image by tag runs whatever the tag names today
    assert found[40].severity == Severity.HIGH and "by a movable ref" in found[40].message


def test_gha003_untrusted_trigger_keeps_write_all_high(tmp_path):
    root = workflow_repo(tmp_path, """        on: workflow_run
        permissions: write-all
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - {uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683, with: {ref: "${{ github.event.workflow_run.head_sha }}"}}
              - run: make
        """)
    (finding,) = scan(root, "GHA003")
    assert finding.severity == Severity.HIGH and "workflow_run, which outsiders can trigger" in finding.message
    assert "checks out the triggering run's head" in finding.message


def test_gha003_workflow_run_that_takes_nothing_from_the_run_is_not_outsider_reachable(tmp_path):
    # the same write-all on a workflow_run that runs only the default branch's `make`: over-broad, not exposed
    root = workflow_repo(tmp_path, """        on: workflow_run
        permissions: write-all
        jobs:
          a:
            runs-on: ubuntu-latest
            steps: [{run: make}]
        """)
    (finding,) = scan(root, "GHA003")
    assert finding.severity == Severity.MEDIUM and "takes nothing from the triggering run" in finding.message


def test_gha003_workflow_run_severity_follows_what_it_takes_from_the_run():
    found = scan(FIXTURES / "excessive-workflow-permissions" / "bad-workflow-run-intake", "GHA003")
    by_scope = {f.evidence: f for f in found}
    assert by_scope["pull-requests: write"].severity == Severity.HIGH
    assert "downloads the triggering run's artifacts" in by_scope["pull-requests: write"].message
    # a static site handed to published actions, the branch name through env: low, and it says why
    (inert,) = scan(FIXTURES / "excessive-workflow-permissions" / "bad-workflow-run-inert", "GHA003")
    assert inert.severity == Severity.LOW
    assert "'context' shows no use of it" in inert.message and "takes nothing from the triggering run" in inert.message


def test_gha003_untrusted_trigger_is_high_and_says_why():
    (finding,) = scan(FIXTURES / "excessive-workflow-permissions" / "bad-untrusted-trigger", "GHA003")
    assert finding.severity == Severity.HIGH
    assert "pull_request_target" in finding.message and "'lint' shows no use of it" in finding.message


def test_gha003_scheduled_workflow_is_low():
    found = scan(FIXTURES / "excessive-workflow-permissions" / "bad-scheduled", "GHA003")
    assert [f.severity for f in found] == [Severity.LOW, Severity.LOW]
    assert all("'prepare' shows no use of it" in f.message for f in found)


def test_gha003_one_scope_on_push_reaching_an_idle_job_is_medium(tmp_path):
    root = workflow_repo(tmp_path, """\
        on: push
        permissions:
          contents: read
          packages: write
        jobs:
          test:
            runs-on: ubuntu-latest
            steps: [{run: make test}]
          publish:
            runs-on: ubuntu-latest
            steps: [{run: "docker push ghcr.io/org/app:1"}]
        """)
    (finding,) = scan(root, "GHA003")
    assert finding.severity == Severity.MEDIUM
    assert "'test' shows no use of it" in finding.message


# -- GHA005: a movable ref handed a deploy credential -------------------------------------


def test_gha005_unpinned_action_with_a_deploy_secret_is_high():
    found = scan(FIXTURES / "unpinned-action" / "bad-deploy-secret", "GHA005")
    assert [f.severity for f in found] == [Severity.HIGH] * 3
    messages = " | ".join(f.message for f in found)
    assert "SSH key `key` via with" in messages
    assert "kubeconfig `KUBE_CONFIG` via env" in messages
    # the job's env reaches every step: the AWS key counts for the kubectl action too
    assert "and 2 more" in messages


def test_gha005_the_vendors_own_action_with_its_credential_is_medium():
    found = scan(FIXTURES / "unpinned-action" / "bad-vendor-credential", "GHA005")
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH]
    assert "published by Google Cloud itself" in found[0].message
    assert "published by AWS itself" in found[1].message
    assert "published by" not in found[2].message


def test_gha005_without_a_deploy_secret_keeps_its_usual_severity(tmp_path):
    root = workflow_repo(tmp_path, """\
        on: push
        permissions: {contents: read}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: some-org/setup-tool@v1
                with: {token: "${{ secrets.NPM_TOKEN }}", password: "${{ secrets.DOCKER_PASSWORD }}"}
              - uses: actions/checkout@v4
                with: {ssh-key: "${{ secrets.DEPLOY_KEY }}"}
        """)
    found = scan(root, "GHA005")
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.LOW]
    assert "deploy credential" in found[1].message  # GitHub-owned: said, not raised


def test_gha004_kubeconfig_is_medium_and_ssh_keys_fold_per_file():
    found = scan(FIXTURES / "long-lived-cloud-credentials" / "bad-kubeconfig-ssh", "GHA004")
    assert [(f.severity, f.line) for f in found] == [(Severity.MEDIUM, 15), (Severity.LOW, 22)]
    assert [line for line, _ in found[1].occurrences] == [22, 27, 34]


# -- GHA012-GHA015 ---------------------------------------------------------------------------


def test_gha012_names_the_matrix_share_and_hedges_visibility():
    found = {f.line: f for f in scan(FIXTURES / "self-hosted-runner-on-pull-request" / "bad", "GHA012")}
    assert "(in 1 of its 2 matrix runs)" in found[20].message
    assert all("cannot see the repository's visibility" in f.message for f in found.values())
    assert {f.severity for f in found.values()} == {Severity.HIGH}


def test_gha012_runners_the_repository_defines_are_self_hosted_by_name():
    # ARC scale sets (a gha-runner-scale-set release, an AutoscalingRunnerSet) are addressed by
    # name alone, legacy RunnerDeployments by labels: no `self-hosted` label in runs-on
    found = {f.resource: f for f in scan(FIXTURES / "self-hosted-runner-on-pull-request" / "bad-scale-set", "GHA012")}
    assert set(found) == {"job/pull", "job/diff", "job/build", "job/legacy", "job/arm"}  # not job/hosted
    assert {f.severity for f in found.values()} == {Severity.HIGH}
    # ${CLUSTER} substituted by Flux matches any cluster; format() is expanded per matrix value
    assert "HelmRelease/lab-runner-${CLUSTER} (cluster/runners/helmrelease.yaml:" in found["job/diff"].message
    assert "(*-runner-main)" in found["job/pull"].message and "where * is what an expression" in found["job/pull"].message
    assert "HelmRelease/arc-builders" in found["job/build"].message  # runnerScaleSetName, not the release name
    assert "RunnerDeployment/legacy" in found["job/legacy"].message
    assert "AutoscalingRunnerSet/arm-set" in found["job/arm"].message
    assert all("cannot see the repository's visibility" in f.message for f in found.values())
    # the same runners for push and schedule only, a guarded job and unknown runners: nothing
    assert scan(FIXTURES / "self-hosted-runner-on-pull-request" / "good-scale-set", "GHA012") == []


def test_gha012_runner_names_overlap_as_patterns():
    from auditui.checks.gha.self_hosted_runner_on_pull_request import _defined, _overlap
    assert _overlap("*-runner-main", "home-ops-runner-*") and _overlap("home-ops-runner-main", "home-ops-runner-*")
    assert not _overlap("home-ops-runner-main", "lab-runner-*") and not _overlap("*-runner-main", "*-builder")
    runners = (("HelmRelease/r", "r.yaml", 3, ("*-latest",)),)
    assert _defined(("ubuntu-latest",), runners) is None  # a GitHub-hosted label only by its exact name
    assert _defined(("*",), (("HelmRelease/r", "r.yaml", 3, ("runner",)),)) is None  # nothing literal left


def test_gha013_personal_access_token_is_high_and_github_token_medium():
    found = scan(FIXTURES / "checkout-credentials-in-artifact" / "bad", "GHA013")
    by_job = {f.resource.split("/")[1]: f for f in found}
    assert by_job["subfolder"].severity == Severity.HIGH and "RELEASE_PAT" in by_job["subfolder"].message
    assert by_job["old-upload"].severity == Severity.MEDIUM and "GITHUB_TOKEN" in by_job["old-upload"].message


def test_gha014_severity_follows_who_can_reach_the_token():
    # a schedule, pinned actions: medium whatever the token reaches; the breadth is in the message
    found = scan(FIXTURES / "app-token-blanket-permissions" / "bad", "GHA014")
    assert [(f.resource.split("/")[1], f.severity) for f in found] == [
        ("bump", Severity.MEDIUM), ("sync", Severity.MEDIUM), ("legacy", Severity.MEDIUM)]
    assert ["every repository the App is installed on" in f.message for f in found] == [False, True, True]
    assert all("not exposed" in f.message for f in found)
    # a third party's action by tag in the job, or a workflow_run taking the run's artifact: high
    exposed = {f.path.rsplit("/", 1)[-1]: f for f in scan(FIXTURES / "app-token-blanket-permissions" / "bad-exposed", "GHA014")}
    assert {name: f.severity for name, f in exposed.items()} == {"release.yml": Severity.HIGH, "preview.yml": Severity.HIGH}
    assert "'some-org/changelog-action@v2' by a movable ref" in exposed["release.yml"].message
    assert "downloads the triggering run's artifacts" in exposed["preview.yml"].message


def test_gha014_outsiders_start_it_but_only_fixed_code_gets_the_token():
    # penpot's auto-label: pull_request_target, the token passed from its minting step's output to a
    # fixed github-script is no outsider text (medium); a step output written from the title is (high)
    found = {f.resource.split("/")[1]: f for f in
             scan(FIXTURES / "app-token-blanket-permissions" / "bad-outsider", "GHA014")}
    assert {job: f.severity for job, f in found.items()} == {"label": Severity.MEDIUM, "announce": Severity.HIGH}
    assert "'label' runs only fixed code" in found["label"].message and "not exposed" in found["label"].message
    assert "pull_request_target" in found["announce"].message


def test_gha015_severity_follows_what_runs_in_the_image():
    found = {f.line: f.severity for f in scan(FIXTURES / "job-image-not-pinned" / "bad", "GHA015")}
    assert found == {11: Severity.MEDIUM, 14: Severity.LOW, 22: Severity.MEDIUM, 26: Severity.MEDIUM,
                     35: Severity.HIGH}


# -- SH013 across a workflow ------------------------------------------------------------------


def test_sh013_one_finding_per_workflow_for_one_option():
    root = Path(__file__).parent / "fixtures" / "shell" / "ssh-host-key-checking-disabled" / "bad-workflow-config"
    found = scan(root, "SH013")
    folded = [f for f in found if f.ypath == ("repeated", "stricthostkeychecking=no")]
    assert len(folded) == 1
    # two jobs' ssh commands and the action's SSH options are one problem of the workflow
    assert [line for line, _ in folded[0].occurrences] == [19, 28, 32]
    assert len(found) == 3  # + the config written twice (one finding), Ansible's switch


# -- SH016: a script that falls back to a fixed credential --------------------------------


def test_fallbacks_are_the_outermost_defaults_as_written():
    from auditui.checks.models.secrets import classify, fallbacks

    text = 'u="redis://:${REDIS_PASSWORD:-redis}@${HOST:-${FALLBACK_HOST:-db}}:6379" ${#X} ${Y:?no} ${Z:+on} ${1:-a}'
    assert list(fallbacks(text)) == [("REDIS_PASSWORD", "${REDIS_PASSWORD:-redis}"),
                                     ("HOST", "${HOST:-${FALLBACK_HOST:-db}}")]
    assert list(fallbacks("${UNTERMINATED:-x")) == []
    verdict = classify("REDIS_PASSWORD", "${REDIS_PASSWORD:-redis}", where="shell")
    assert verdict.is_secret and verdict.default and verdict.well_known


def test_sh016_severity_follows_what_the_fallback_opens():
    root = Path(__file__).parent / "fixtures" / "shell" / "credential-fallback-in-script"
    found = {(f.line, f.severity) for f in scan(root, "SH016") if f.path == "bad-start.sh"}
    # the admin login high (reachable with the app), a random key critical, weak passwords medium
    assert found == {(4, Severity.HIGH), (5, Severity.MEDIUM), (10, Severity.MEDIUM),
                     (11, Severity.CRITICAL), (12, Severity.MEDIUM)}


def test_sh016_and_sh014_report_a_fallback_on_a_command_line_once(tmp_path):
    write(tmp_path, "deploy.sh", '#!/bin/sh\nsshpass -p "${DEPLOY_PASSWORD:-hunter2}" ssh deploy@app.example.com true\n')
    codes = [f.code for f in scan(tmp_path, "SH016") + scan(tmp_path, "SH014")]
    assert codes == ["SH016"]


# -- DKR009: a secret build argument, by the stage that ships -------------------------------


def test_dkr009_severity_follows_the_stage_that_ships():
    root = Path(__file__).parent / "fixtures" / "dockerfile" / "secret-build-arg"
    found = {(f.path, f.line): f.severity for f in scan(root, "DKR009")}
    assert found == {
        # builder stage 'build' only: low; the final stage's ARG with no RUN after it: low;
        # its ENV copy is in the shipped image config: high
        ("bad.Dockerfile", 2): Severity.LOW, ("bad.Dockerfile", 5): Severity.LOW,
        ("bad.Dockerfile", 6): Severity.LOW, ("bad.Dockerfile", 10): Severity.LOW,
        ("bad.Dockerfile", 11): Severity.HIGH,
        # declared in 'base', which the final stage is built FROM: its history ships
        ("bad-shipped.Dockerfile", 5): Severity.MEDIUM,
        # a builder whose files are only copied: the value and its ENV stay out of the image
        ("bad-shipped.Dockerfile", 9): Severity.LOW, ("bad-shipped.Dockerfile", 10): Severity.LOW,
    }


def test_dkr009_single_stage_arg_before_a_run_is_medium(tmp_path):
    write(tmp_path, "Dockerfile", "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\nUSER node\n")
    [finding] = scan(tmp_path, "DKR009")
    assert finding.severity == Severity.MEDIUM and "docker history" in finding.message


# -- SH017: uploads made public, by what they upload -------------------------------------------


def test_sh017_severity_follows_what_is_made_public():
    root = Path(__file__).parent / "fixtures" / "shell" / "public-read-upload"
    # each fixture scanned as a repository, so its workflows are production's
    found = {(name, f.line): f.severity for name in ("bad-leaks", "bad-site")
             for f in scan(root / name, "SH017", persona="auditor")}
    assert found == {
        ("bad-leaks", 14): Severity.HIGH, ("bad-leaks", 15): Severity.HIGH,   # a dump, an env file
        ("bad-leaks", 16): Severity.MEDIUM,                                   # the whole workspace
        ("bad-leaks", 17): Severity.INFO,                                     # a bucket opened: a site?
        ("bad-site", 12): Severity.LOW,                                       # behind CloudFront
    }
    # the default persona hides the information-only public site
    assert [f.line for f in scan(root / "bad-leaks", "SH017")] == [14, 15, 16]


# -- SH010: how the script was fetched sets the severity -------------------------------------


def test_sh010_https_is_a_pinning_gap_plain_http_or_no_checks_is_high():
    root = Path(__file__).parent / "fixtures" / "shell" / "curl-pipe-shell"
    found = {f.line: f.severity for f in scan(root, "SH010") if f.path == "bad.sh"}
    assert found[4] == Severity.MEDIUM and found[12] == Severity.MEDIUM  # https, piped or saved first
    assert found[25] == Severity.HIGH and found[26] == Severity.HIGH and found[28] == Severity.HIGH
    workflow = {f.line: f.severity for f in scan(root / "bad-workflow", "SH010")}
    assert workflow[11] == Severity.HIGH  # an address from a variable: nothing to tell


def test_gha003_repository_dispatch_is_not_an_outsider_trigger(tmp_path):
    # repository_dispatch needs a token with write access: a maintainer or another repository's
    # release starts it, not an outsider (as in frappe_docker's stable build)
    text = """on:
  pull_request:
  push:
  repository_dispatch:
permissions:
  contents: read
  packages: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/org/app:1
"""
    [finding] = scan(workflow_repo(tmp_path, text), "GHA003")
    assert finding.severity == Severity.MEDIUM and "outsiders" not in finding.message
    # on issue_comment outsiders start it, but both jobs run only the repository's fixed code: medium
    [finding] = scan(workflow_repo(tmp_path / "comment", text.replace("repository_dispatch", "issue_comment")), "GHA003")
    assert finding.severity == Severity.MEDIUM and "issue_comment, which outsiders can trigger" in finding.message
    assert "only fixed code" in finding.message
    # ... until a job checks out the pull request the comment is on: high
    head = text.replace("repository_dispatch", "issue_comment").replace(
        "      - run: make test", "      - run: gh pr checkout ${{ github.event.issue.number }} && make test")
    [finding] = scan(workflow_repo(tmp_path / "head", head), "GHA003")
    assert finding.severity == Severity.HIGH and "only fixed code" not in finding.message
    # ... or expands a value relayed from elsewhere (a branch name through another job's output): high
    relayed = text.replace("repository_dispatch", "issue_comment").replace(
        "      - run: make test", "      - run: make test BRANCH=${{ needs.info.outputs.branch }}")
    [finding] = scan(workflow_repo(tmp_path / "relayed", relayed), "GHA003")
    assert finding.severity == Severity.HIGH


def test_gha003_outsider_trigger_whose_jobs_are_gated_or_fixed_is_medium():
    (finding,) = scan(FIXTURES / "excessive-workflow-permissions" / "bad-outsider-trigger-fixed-code", "GHA003")
    assert finding.severity == Severity.MEDIUM
    assert "'check-permissions' runs only fixed code" in finding.message
    assert "the other jobs only at a maintainer's request" in finding.message


def test_a_workflow_permission_scope_is_not_redacted():
    from auditui.checks.models.secrets import scrub

    assert scrub("`id-token: write` at the workflow level") == "`id-token: write` at the workflow level"
    assert "eyJhbGciOiJSUzI1NiJ9" not in scrub("id-token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJlLXZhbHVl")


# -- SH012: what an empty variable can reach -------------------------------------------


def test_sh012_severity_follows_what_an_empty_variable_can_reach():
    root = Path(__file__).parent / "fixtures" / "shell" / "rm-rf-unguarded-variable"
    found = {(f.path, f.line): f.severity for f in scan(root, "SH012")}
    assert found == {
        ("bad.sh", 5): Severity.HIGH, ("bad.sh", 6): Severity.HIGH,   # `$TARGET/*`, `$RELEASE_DIR/`
        ("bad.sh", 7): Severity.LOW, ("bad.sh", 9): Severity.LOW,     # a fixed path after the variable
        ("bad.sh", 11): Severity.HIGH,                                # `/../` climbs back to /
        ("bad.sh", 14): Severity.HIGH,                                # a backquoted command may print nothing
        ("bad_nounset.sh", 4): Severity.LOW,                          # set -u: only an empty value reaches /
        # what the path keeps when every variable in it is empty
        ("bad.sh", 16): Severity.HIGH,                                # `$BASE/$NAME`: /
        ("bad.sh", 17): Severity.LOW,                                 # `$BASE/data/$NAME`: /data, a site folder
        ("bad.sh", 18): Severity.HIGH,                                # `$ROOTFS/etc/$NAME`: /etc
        ("bad.sh", 19): Severity.HIGH,                                # `$ROOTFS/var/lib`: every service's state
        ("bad.sh", 20): Severity.MEDIUM,                              # one folder inside a system directory
        ("bad.sh", 21): Severity.LOW,                                 # `app-$NAME` keeps `app-`: /data/vhosts/app-
        ("bad.sh", 22): Severity.LOW,                                 # a glob reaches inside /data only
        ("bad.sh", 23): Severity.HIGH,                                # `/usr/local/*`
        ("bad.sh", 24): Severity.HIGH,                                # `$1` may be empty too: /
        ("bad.sh", 26): Severity.MEDIUM,                              # `/*/nginx.conf`: one name in each folder
        ("bad.sh", 27): Severity.HIGH,                                # `/*/lib`: /usr/lib, /var/lib
    }
    messages = {f.line: f.message for f in scan(root, "SH012") if f.path == "bad.sh"}
    assert "not the whole disk" in messages[9]
    assert "deletes /data/vhosts/app- (not the whole disk) when $LIB_ROOT and $NAME are empty" in messages[21]
    assert "deletes /etc, a system directory, when $ROOTFS and $NAME are empty" in messages[18]
    assert "deletes from / when $BASE and $1 are empty" in messages[24]
    assert "deletes /*/nginx.conf (not the whole disk) when $SITES_ROOT is empty" in messages[26]
    assert "deletes /*/lib, which reaches system directories," in messages[27]


# -- GHA007: severity by whether outsiders' text reaches a privileged run -------------------


def test_gha007_only_pull_request_events_are_medium_any_privileged_event_high():
    found = scan(FIXTURES / "template-injection" / "bad-pull-request", "GHA007")
    assert [(f.line, f.severity) for f in found] == [(12, Severity.MEDIUM), (13, Severity.MEDIUM), (25, Severity.HIGH)]
    assert "read-only token and no secrets" in found[0].message and "read-only" not in found[2].message
    high = scan(FIXTURES / "template-injection" / "bad", "GHA007")
    assert {f.severity for f in high} == {Severity.HIGH}  # issues, issue_comment, pull_request_target, push


def test_gha003_this_repositorys_own_action_named_remotely_is_not_third_party_code(tmp_path):
    text = """\
        on: push
        jobs:
          release:
            if: github.repository == 'example-org/app'
            runs-on: ubuntu-latest
            permissions: write-all
            steps: [{uses: example-org/app/.github/actions/release@main}]
        """
    (finding,) = scan(workflow_repo(tmp_path, text), "GHA003")
    assert finding.severity == Severity.MEDIUM
    # another repository of the same organisation: the organisation's own code, not a third party's
    (sibling,) = scan(workflow_repo(tmp_path / "sibling", text.replace("'example-org/app'", "'example-org/web'")), "GHA003")
    assert sibling.severity == Severity.MEDIUM
    (other,) = scan(workflow_repo(tmp_path / "other", text.replace("'example-org/app'", "'other-org/web'")), "GHA003")
    assert other.severity == Severity.HIGH and "example-org/app/.github/actions/release@main" in other.message


# -- local composite actions (uses: ./path) are part of the job (HELDOUT2 local-action-not-read) --


def test_gha003_reads_the_steps_of_local_composite_actions():
    root = FIXTURES / "excessive-workflow-permissions" / "bad-local-action"
    (finding,) = scan(root, "GHA003")
    # plan and apply use id-token inside ./.github/actions/setup -> ./.github/actions/aws-login;
    # docs runs a local action that is missing: nothing is claimed about it
    assert "; 'notify' shows no use of it" in finding.message
    engine = Engine(root)
    engine.scan()
    notices = [n.message for n in engine.all_notices() if n.path == ".github/workflows/apply.yml"]
    assert any("local action ./.github/actions/missing was not read" in n for n in notices)


def test_saving_a_local_action_rechecks_the_workflows_that_run_it(tmp_path):
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "excessive-workflow-permissions" / "good-local-action", root)
    engine = Engine(root)
    engine.scan()
    assert [f for f in engine.findings if f.code == "GHA003"] == []
    action = root / "tools" / "setup" / "action.yaml"
    action.write_text("name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo no cloud here\n      shell: bash\n")
    delta = engine.update([action])
    added = [f for f in delta.added if f.code == "GHA003"]
    assert len(added) == 1 and "'plan', 'apply' show no use of it" in added[0].message
    action.unlink()  # gone: a notice, and no claim of "no use"
    delta = engine.update([action])
    assert [f.code for f in delta.removed] == ["GHA003"]


def test_gha005_follows_a_deploy_credential_into_a_local_composite_action():
    found = scan(FIXTURES / "unpinned-action" / "bad-local-action", "GHA005")
    by_path = {(f.path, f.line): f for f in found}
    step = by_path[(".github/workflows/deploy.yml", 15)]
    assert step.severity == Severity.HIGH
    assert "SSH key `ssh-key` via with" in step.message and "'appleboy/ssh-action@v1.2.0'" in step.message
    assert "deploy/action/action.yml" in step.message
    # the action file's own steps, at their line: medium, GitHub's own low
    assert by_path[("deploy/action/action.yml", 10)].severity == Severity.MEDIUM
    assert by_path[("deploy/action/action.yml", 8)].severity == Severity.LOW


def test_gha005_evidence_says_what_the_deploy_credential_reaches(tmp_path):
    found = {f.resource.split("/")[1]: f for f in scan(FIXTURES / "unpinned-action" / "bad-deploy-secret", "GHA005")}
    # an SSH action with a remote script: the script and the host
    assert "itself runs `cd /srv/app && docker compose pull" in found["vm"].evidence
    assert "on ${{ secrets.HOST }}" in found["vm"].evidence
    root = workflow_repo(tmp_path, """\
        on: push
        jobs:
          release:
            runs-on: ubuntu-latest
            steps:
              - uses: webfactory/ssh-agent@v0.10.0
                with:
                  ssh-private-key: ${{ secrets.CHARTS_DEPLOY_KEY }}
              - run: curl -LO https://example.com/ssh/install.sh
              - name: Publish
                run: |
                  git clone git@github.com:example-org/charts.git && cd charts
                  ./release.sh
        """)
    (finding,) = scan(root, "GHA005")
    assert finding.severity == Severity.HIGH
    # a URL that mentions ssh is not an ssh command; the git clone over SSH is what the key reaches
    assert "step 3 ('Publish') then runs `git clone git@github.com:example-org/charts.git" in finding.evidence
