"""How the workflow model reads ``run:`` scripts: image builds (with ``cd`` and ``--build-arg``),
files a job writes itself, files of a checked-out head read back, commands that use a deploy
credential.  Tricky shell on purpose: quotes, ``&&``/``;``/``|`` chains, continuations,
``${{ }}`` expressions, redirections in every form, heredocs, subshells, command strings."""

from __future__ import annotations

import pytest

from auditui.checks.models import workflow as wfmod
from auditui.checks.models.workflow import Workflow
from auditui.checks.parse import parse_text

PATH = ".github/workflows/ci.yml"


def _workflow(text: str) -> Workflow:
    parsed = parse_text(PATH, text)
    assert parsed is not None and not parsed.problems
    [wf] = [unit for unit in parsed.units if isinstance(unit, Workflow)]
    return wf


def builds(script: str, working_directory: str | None = None) -> list[tuple]:
    """(context, Dockerfile, platforms, push, tags, args) of each image build of one run: step."""
    body = "\n".join("          " + line for line in script.splitlines())
    defaults = f"defaults:\n  run:\n    working-directory: {working_directory}\n" if working_directory else ""
    wf = _workflow(f"on: push\n{defaults}env:\n  X: lit\njobs:\n  b:\n    runs-on: ubuntu-latest\n"
                   f"    steps:\n      - run: |\n{body}\n")
    return [(b.context, b.dockerfile, b.platforms, b.push, b.tags, tuple((a.name, a.value) for a in b.args))
            for b in wf.jobs[0].steps[0].image_builds()]


def _root(context: str = ".", dockerfile: str = "Dockerfile", platforms: str = "", push: bool = False,
          tags: tuple = (), args: tuple = ()) -> tuple:
    return (context, dockerfile, platforms, push, tags, args)


@pytest.mark.parametrize("script, expected", [
    ("docker build .", [_root()]),
    ('docker build -f "ci/Dockerfile" --build-arg "A=hello world" --build-arg=\'B=2\' .',
     [_root(dockerfile="ci/Dockerfile", args=(("A", "hello world"), ("B", "2")))]),
    ("docker build \\\n  --build-arg A=1 \\\n  -t ghcr.io/o/app:1 \\\n  web",
     [_root("web", "web/Dockerfile", tags=("ghcr.io/o/app:1",), args=(("A", "1"),))]),
    ("cd app\ndocker build .", [_root("app", "app/Dockerfile")]),
    ('cd "$DIR"\ndocker build .', [_root("${{ . }}", "${{ Dockerfile }}")]),  # a folder auditui cannot tell
    ("docker buildx build --platform linux/amd64,linux/arm64 --push -t ghcr.io/o/app:1 .",
     [_root(platforms="linux/amd64,linux/arm64", push=True, tags=("ghcr.io/o/app:1",))]),
    ("docker build -t a . && docker push a", [_root(tags=("a",))]),
    ("docker buildx build --output=type=registry,push=true .", [_root(push=True)]),
    ("docker build --build-arg X --build-arg Y=$X --build-arg Z=${X} --build-arg W=$UNSET .",
     [_root(args=(("X", "lit"), ("Y", "lit"), ("Z", "lit"), ("W", None)))]),  # env: X: lit
    ("sudo docker build -t x .", [_root(tags=("x",))]),
    ("podman build -f Containerfile ctx/", [_root("ctx", "Containerfile")]),
    ("docker image build --file=d/Dockerfile d", [_root("d", "d/Dockerfile")]),
    # read by the shell reader: commands end at `;`, a `cd ..` after a build counts for the next line
    ("cd app && docker build .; cd ..\ndocker build -f x/Dockerfile x",
     [_root("app", "app/Dockerfile"), _root("x", "x/Dockerfile")]),
    ("docker build a; docker build b", [_root("a", "a/Dockerfile"), _root("b", "b/Dockerfile")]),
    ("pushd svc; docker build .; popd\ndocker build .", [_root("svc", "svc/Dockerfile"), _root()]),
    # an expression with blanks is one word (the tag is left out: it is not literal)
    ("docker build --build-arg V=${{ github.sha }} -t ghcr.io/o/x:${{ github.sha }} .", [_root(args=(("V", None),))]),
    # a subshell's cd ends with it
    ("(cd web && docker build .)\ndocker build .", [_root("web", "web/Dockerfile"), _root()]),
    ("cd svc\n(cd ../web && docker build .)\ndocker build .", [_root("web", "web/Dockerfile"), _root("svc", "svc/Dockerfile")]),
    # a substitution builds; a cd in one changes nothing
    ("ID=$(docker build -q .)", [_root()]),
    ('D=$(cd "$(dirname "$0")" && pwd)\ndocker build .', [_root()]),
    ("bash -c 'docker build web'", [_root("web", "web/Dockerfile")]),
    ("cd\ndocker build .", [_root("${{ . }}", "${{ Dockerfile }}")]),  # cd alone: the home folder
    # not builds: a string echoed, a comment, a heredoc's text, a command run on another host
    ('echo "docker build ."', []),
    ("make x # docker build .", []),
    ("cat <<EOF > x.sh\ndocker build .\nEOF", []),
    ('ssh host "cd app && docker build ."', []),
])
def test_image_builds_of_a_run_step(script, expected):
    assert builds(script) == expected


def test_image_build_paths_follow_the_working_directory():
    assert builds("docker build ../other", "svc") == [_root("other", "other/Dockerfile")]
    assert builds("cd api && docker build -f ../ci/Dockerfile .", "svc") == [_root("svc/api", "svc/ci/Dockerfile")]


@pytest.mark.parametrize("script, written", [
    ("gh api repos/o/r/pulls/1 > pr.json", {"pr.json"}),
    ("echo x >>notes.md", {"notes.md"}),
    ('curl -sSL -o out.bin "$URL"', {"out.bin"}),
    ("make | tee -a build.log", {"build.log"}),
    ("pytest --output=report.html", {"report.html"}),
    ("tool --output ./dist/r.txt", {"dist/r.txt"}),
    ("cmd 2>&1", set()),
    ("cmd > /dev/null", set()),
    ('cmd > "$F"', set()),
    ("cmd > 'q.json'", {"q.json"}),
    ("cmd >./out/x.json", {"out/x.json"}),
    ("cmd 2> err.txt", {"err.txt"}),
    ("cmd &> all.log", {"all.log"}),
    ("cmd | tee a.txt b.txt", {"a.txt", "b.txt"}),
    ("sort -o s.txt x", {"s.txt"}),
    # not written here: a '>' inside a string, a heredoc's text, a name an expression decides,
    # a file written on another host
    ('echo "a > b"', set()),
    ("cat <<EOF\nx > inbody.txt\nEOF", set()),
    ("cmd > pr-${{ github.event.number }}.json", set()),
    ('ssh host "cmd > remote.txt"', set()),
])
def test_files_a_script_writes(script, written):
    assert wfmod.files_written([script]) == written


@pytest.mark.parametrize("text, command", [
    ("$(cat VERSION)", "cat VERSION"),
    ("X=$(cat VERSION) && echo", "cat VERSION"),
    ('echo "$(cat VERSION)"', "cat VERSION"),
    ("cat VERSION | tr -d x", "cat VERSION"),
    ("`cat VERSION`", "cat VERSION"),
    ("$(< .github/preview.json)", "< .github/preview.json"),
    ("$(<VERSION)", "<VERSION"),
    ("$(jq -r .title pr.json)", "jq -r .title pr.json"),
    ("$(tail -n 5 notes.md)", "tail -n 5 notes.md"),
    ("$(jq --arg a b -r '.x' data.json)", "jq --arg a b -r '.x' data.json"),
    ("$(yq '.version' chart/Chart.yaml)", "yq '.version' chart/Chart.yaml"),
    ("$(awk -F= '{print $2}' v.env)", "awk -F= '{print $2}' v.env"),
    ("$(cat 'VERSION')", "cat 'VERSION'"),
    ("$(FOO=1 cat VERSION)", "FOO=1 cat VERSION"),
    ("$(command cat VERSION)", "command cat VERSION"),
    ("$(echo $(cat VERSION))", "cat VERSION"),
    ("$(cat VERSION;)", "cat VERSION"),
    ("$(printf '%s' x) $(cat VERSION)", "cat VERSION"),
    ("$(git ls-files)", "git ls-files"),
    ("$(git -C sub log -1 --pretty=%B)", "git -C sub log -1 --pretty=%B"),
    ("$(git show --format=%s -s)", "git show --format=%s -s"),
    ("X=$(jq -r .v pkg.json 2>/dev/null)", "jq -r .v pkg.json"),
])
def test_head_file_read_names_the_command(text, command):
    assert wfmod.head_file_read(text) == command


@pytest.mark.parametrize("text", [
    "$(sudo cat /etc/x)", "$(head -c 10 /dev/urandom)", "$(echo cat VERSION)", "$(date +%s)",
    "$(cat ${{ inputs.f }})",  # a name an expression decides, like one in a variable ($(cat $F))
    "jq . > out.json",  # a file written, not read
    "echo 'cat VERSION'", "cat <<EOF\ncat VERSION\nEOF",
])
def test_head_file_read_leaves_alone(text):
    assert wfmod.head_file_read(text) is None


def test_head_file_read_leaves_out_files_the_job_wrote():
    made = wfmod.files_written(["gh api repos/o/r/pulls/1 > pr.json"])
    assert wfmod.head_file_read("$(jq -r .title pr.json)", made) is None
    assert wfmod.head_file_read("$(cat pr.json)", made) is None
    assert wfmod.head_file_read("$(cat VERSION)", made) == "cat VERSION"


@pytest.mark.parametrize("line, kinds", [
    ("kubectl apply -f x", ["kubeconfig"]),
    ("FOO=1 sudo kubectl apply -f x", ["kubeconfig"]),
    ("git clone git@github.com:o/r", ["SSH key"]),
    ("git push ssh://h/r", ["SSH key"]),
    ("echo ssh", []),
    ("time ssh h ls", ["SSH key"]),
    ("scp a h:b && echo", ["SSH key"]),
    ("x | helm upgrade r c", ["kubeconfig"]),
    ("/usr/bin/aws s3 ls", ["cloud key"]),
    ("exec rsync -a x h:y", ["SSH key"]),
    ("env kubectl get po", ["kubeconfig"]),
    ("echo 'a; aws s3 ls'", []),  # a string's text is not a command
    ("ssh h 'kubectl apply -f x'", ["SSH key"]),  # the remote kubectl uses the host's kubeconfig
])
def test_commands_that_use_a_deploy_credential(line, kinds):
    assert [k for k in ("SSH key", "kubeconfig", "cloud key") if wfmod._uses_credential(line, k)] == kinds


def test_credential_use_names_the_later_command():
    wf = _workflow("""
on: push
jobs:
  d:
    runs-on: ubuntu-latest
    steps:
      - uses: webfactory/ssh-agent@v0.9.0
        with: {ssh-private-key: "${{ secrets.DEPLOY_KEY }}"}
      - run: |
          echo start   # a comment
          rsync -az \\
            dist/ deploy@host:/srv/app
""")
    job = wf.jobs[0]
    assert wfmod.credential_use(job, job.steps[0], "SSH key") == "step 2 then runs `rsync -az dist/ deploy@host:/srv/app`"


def _head_reads(script: str) -> tuple[list[str], str | None, list[str]]:
    """(evidence of head_checkouts, checked_out_head, checkout_inputs) of one run: step on pull_request_target."""
    body = "\n".join("          " + line for line in script.splitlines())
    wf = _workflow(f"on: pull_request_target\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{body}\n")
    events = ["pull_request_target"]
    return ([evidence for _, _, evidence in wfmod.head_checkouts(wf, events)],
            wfmod.checked_out_head(wf.jobs[0].steps[0], events), wfmod.checkout_inputs(wf))


@pytest.mark.parametrize("script, expected", [
    ("gh pr checkout ${{ github.event.pull_request.number }}",
     (["gh pr checkout ${{ github.event.pull_request.number }}"], "", [])),
    ("git fetch origin ${{ github.event.pull_request.head.sha }}",
     (["git fetch origin ${{ github.event.pull_request.head.sha }}"], None, [])),
    ("git fetch origin pull/${{ github.event.pull_request.number }}/head:pr && git checkout pr",
     (["git fetch origin pull/${{ github.event.pull_request.number }}/head:pr && git checkout pr"], "", [])),
    ("git fetch origin pull/${{ github.event.pull_request.number }}/head:pr\ngit checkout pr",
     (["git fetch origin pull/${{ github.event.pull_request.number }}/head:pr"], None, [])),
    ("git fetch origin refs/pull/${{ github.event.number }}/merge",
     (["git fetch origin refs/pull/${{ github.event.number }}/merge"], None, [])),
    ("git clone ${{ github.event.pull_request.head.repo.clone_url }} pr",
     (["git clone ${{ github.event.pull_request.head.repo.clone_url }} pr"], "", [])),
    ("git checkout ${{ inputs.ref }}", ([], None, ["ref"])),
    ("git fetch origin ${{ github.event.pull_request.base.sha }}", ([], None, [])),
    # read by the shell reader: a comment is not evidence, a continued command is one, git -C DIR
    ("git fetch origin ${{ github.event.pull_request.head.sha }}  # the head",
     (["git fetch origin ${{ github.event.pull_request.head.sha }}"], None, [])),
    ("git fetch origin \\\n  ${{ github.event.pull_request.head.sha }}",
     (["git fetch origin ${{ github.event.pull_request.head.sha }}"], None, [])),
    ("git -C repo fetch origin ${{ github.event.pull_request.head.sha }}",
     (["git -C repo fetch origin ${{ github.event.pull_request.head.sha }}"], None, [])),
    ("git -C repo checkout ${{ inputs.ref }}", ([], None, ["ref"])),
    # a checkout on a host the step reaches over ssh runs the head's code there
    ("ssh host 'git checkout ${{ github.head_ref }}'",
     (["ssh host 'git checkout ${{ github.head_ref }}'"], "", [])),
    # not a fetch: a string echoed, a heredoc's text
    ('echo "gh pr checkout 12"', ([], None, [])),
    ("cat <<EOF\ngit checkout ${{ github.head_ref }}\nEOF", ([], None, [])),
])
def test_pull_request_head_fetched_by_a_script(script, expected):
    assert _head_reads(script) == expected


@pytest.mark.parametrize("script, command", [
    ("kubectl apply -f k8s/", "kubectl apply -f k8s/"),
    ("kubectl -n prod apply -f x", "kubectl -n prod apply -f x"),
    ("kubectl apply --dry-run=client -f x", None),
    ("kubectl diff -f x", None),
    ("kubectl get pods", None),
    ("helm upgrade --install app ./chart", "helm upgrade --install app ./chart"),
    ("helm plugin install https://x", None),
    ("helm repo add x y && helm upgrade -i a b", "helm repo add x y && helm upgrade -i a b"),
    ("helm -n prod upgrade a b", "helm -n prod upgrade a b"),
    ("terraform -chdir=infra apply -auto-approve", "terraform -chdir=infra apply -auto-approve"),
    ("terraform plan", None),
    ("npx vercel deploy --prod", "npx vercel deploy --prod"),
    ("# kubectl apply -f x", None),
    ("ssh host 'cd /srv && ./deploy.sh'", "ssh host 'cd /srv && ./deploy.sh'"),
    ("docker push ghcr.io/o/app:prod", "docker push ghcr.io/o/app:prod"),
    ("kustomize build overlays/prod | kubectl apply -f -", "kustomize build overlays/prod | kubectl apply -f -"),
    ("sudo kubectl apply -f x", "sudo kubectl apply -f x"),
    ("echo done; pulumi up --yes", "echo done; pulumi up --yes"),
    ("kubectl rollout restart deploy/x", "kubectl rollout restart deploy/x"),
    # read by the shell reader: a continued command is one; a comment, an echoed string and a
    # heredoc's text are not commands
    ("helm upgrade --install app \\\n  ./chart --wait", "helm upgrade --install app ./chart --wait"),
    ('echo "kubectl apply -f x"', None),
    ("make build  # then kubectl apply", None),
    ("cat <<EOF\nkubectl apply -f x\nEOF", None),
    ("ssh host <<EOF\nkubectl apply -f x\nEOF", "kubectl apply -f x"),  # a heredoc fed to a shell runs
])
def test_deploy_command_of_a_script(script, command):
    assert wfmod.deploy_command(script) == command


@pytest.mark.parametrize("first, expected", [
    # a throw-away cluster the job starts makes its kubectl apply a test; one a comment or a
    # message only names does not
    ("kind create cluster --name ci", None),
    ("sudo snap install microk8s --classic", None),
    ("# no kind create cluster here: the real one", "runs `kubectl apply -f k8s/`"),
    ('echo "run minikube start locally"', "runs `kubectl apply -f k8s/`"),
])
def test_a_deploy_to_a_throwaway_cluster_is_read_from_commands(first, expected):
    wf = _workflow("on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n"
                   f"      - run: {first!r}\n      - run: kubectl apply -f k8s/\n")
    assert wf.jobs[0].deploy_reason() == expected


@pytest.mark.parametrize("script, named", [
    # a job named like a deploy job that publishes a package is a release, not a deployment;
    # a message or comment naming a publish command publishes nothing
    ("npm publish --access public", False),
    ("mvn -B clean deploy", False),
    ('echo "next: npm publish"', True),
    ("make dist  # then twine upload", True),
])
def test_a_publishing_job_is_read_from_commands(script, named):
    wf = _workflow("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                   f"      - run: {script!r}\n")
    assert (wf.jobs[0].deploy_reason() == "is named like a deploy job") is named


def _outputs(script: str, env: dict[str, str] | None = None, reads: str | None = None) -> list[tuple[str, str, str]]:
    """("output"|"env", name, why) of each step output and $GITHUB_ENV variable a script writes
    from an outsider's text, as OutputTaint reads one run: script (``env``: variables already
    tainted; ``reads``: the step that checked out the pull request head)."""
    wf = _workflow("on: pull_request_target\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n")
    return list(wfmod.OutputTaint(wf)._run_outputs(script, wf.jobs[0], dict(env or {}), reads))


_HEAD_REF = "from github.head_ref"
_BODY = "from github.event.pull_request.body"
_ENV = {"REF": "from env REF", "BODY": "from env BODY"}
_VERSION = "from the pull request head that step 1 checked out (`cat VERSION`)"


@pytest.mark.parametrize("script, env, reads, expected", [
    ('echo "v=${{ github.head_ref }}" >> $GITHUB_OUTPUT', None, None,
     [('output', 'v', _HEAD_REF)]),
    ('REF="${{ github.head_ref }}"\necho "ref=$REF" >> "$GITHUB_OUTPUT"', None, None,
     [('output', 'ref', _HEAD_REF)]),
    ('export T=${{ github.event.pull_request.title }}\necho "t=${T}" >> $GITHUB_ENV', None, None,
     [('env', 't', 'from github.event.pull_request.title')]),
    ('echo "n<<EOF" >> $GITHUB_OUTPUT\necho "${{ github.event.pull_request.body }}" >> $GITHUB_OUTPUT\necho EOF >> $GITHUB_OUTPUT', None, None,
     [('output', 'n', _BODY)]),
    # a group's redirection is each inner command's: the multi-line value b comes from BODY
    ('{ echo "b<<EOF"; echo "$BODY"; echo EOF; } >> $GITHUB_OUTPUT', _ENV, None,
     [('output', 'b', 'from env BODY')]),
    # read by the shell reader (each was missed line by line): a heredoc written to the file,
    # a multi-line value in it, an assignment whose value is a heredoc
    ('cat <<EOF >> $GITHUB_OUTPUT\nv=${{ github.head_ref }}\nEOF', None, None,
     [('output', 'v', _HEAD_REF)]),
    ('cat <<EOF >> $GITHUB_OUTPUT\nb<<X\n${{ github.event.pull_request.body }}\nX\nok=1\nEOF', None, None,
     [('output', 'b', _BODY)]),
    ('BODY=$(cat <<EOF\n${{ github.event.pull_request.body }}\nEOF\n)\necho "b=$BODY" >> $GITHUB_OUTPUT', None, None,
     [('output', 'b', _BODY)]),
    ('printf \'v=%s\\n\' "${{ github.head_ref }}" >> $GITHUB_OUTPUT', None, None,
     [('output', 'v', _HEAD_REF)]),
    ('echo "v=${REF//[!0-9]/}" >> $GITHUB_OUTPUT', _ENV, None,
     []),
    ('REF=${{ github.head_ref }}\nREF=main\necho "r=$REF" >> $GITHUB_OUTPUT', None, None,
     []),
    ('echo "v=$(cat VERSION)" >> $GITHUB_OUTPUT', None, 'step 1',
     [('output', 'v', _VERSION)]),
    ('echo "x=1" >> $GITHUB_OUTPUT # ${{ github.head_ref }}', None, None,
     []),
    ('echo "v=${{ github.head_ref }}" | tee -a $GITHUB_OUTPUT', None, None,  # was missed
     [('output', 'v', _HEAD_REF)]),
    ('echo "v=${{ github.head_ref }}" \\\n  >> $GITHUB_OUTPUT', None, None,
     [('output', 'v', _HEAD_REF)]),
    ('if [ -n x ]; then echo "v=${{ github.head_ref }}" >> $GITHUB_OUTPUT; fi', None, None,  # was missed
     [('output', 'v', _HEAD_REF)]),
    ('NAME=$(jq -r .head.ref pr.json)\necho "n=$NAME" >> $GITHUB_OUTPUT', None, None,
     [('output', 'n', "from the API's head.ref")]),
    ('echo "a=${{ github.head_ref }}" >> $GITHUB_OUTPUT; echo "b=1" >> $GITHUB_OUTPUT', None, None,
     [('output', 'a', _HEAD_REF)]),
    ('echo "v=1" >> $GITHUB_OUTPUT && echo ${{ github.head_ref }}', None, None,
     []),
    ('echo "v=${{ github.head_ref }}" > $GITHUB_OUTPUT', None, None,  # was missed
     [('output', 'v', _HEAD_REF)]),
    ('echo v=$REF >> $GITHUB_OUTPUT', _ENV, None,
     [('output', 'v', 'from env REF')]),
    ('echo -n "v=$REF" >> $GITHUB_OUTPUT', _ENV, None,
     [('output', 'v', 'from env REF')]),
    ('echo "n<<DELIM" >> $GITHUB_OUTPUT\ncat VERSION >> $GITHUB_OUTPUT\necho DELIM >> $GITHUB_OUTPUT', None, 'step 1',
     [('output', 'n', _VERSION)]),
    ('echo "body<<EOF" >> $GITHUB_ENV\necho "$BODY" >> $GITHUB_ENV\necho "EOF" >> $GITHUB_ENV\necho "x=$BODY" >> $GITHUB_OUTPUT', _ENV, None,
     [('env', 'body', 'from env BODY'), ('output', 'x', 'from env BODY')]),
    ('local L="${{ github.head_ref }}"\necho "l=$L" >> $GITHUB_OUTPUT', None, None,
     [('output', 'l', _HEAD_REF)]),
    ('X=1 Y=${{ github.head_ref }}\necho "y=$Y" >> $GITHUB_OUTPUT', None, None,  # was missed (Y)
     [('output', 'y', _HEAD_REF)]),
    ('Y=${{ github.head_ref }} make\necho "y=$Y" >> $GITHUB_OUTPUT', None, None,  # Y is make's alone
     []),
    ('echo "# v=${{ github.head_ref }}"\necho "v=ok" >> $GITHUB_OUTPUT', None, None,
     []),
])
def test_outputs_a_script_writes_from_an_outsiders_text(script, env, reads, expected):
    assert _outputs(script, env, reads) == expected
