"""Precision of auditui's critical and high findings on a pinned set of real repositories.

    python benchmarks/realworld/evaluate.py                  # every repository of repos.toml
    python benchmarks/realworld/evaluate.py --repo mailcow   # one (or several: repeat --repo)
    python benchmarks/realworld/evaluate.py --json           # machine-readable figures
    python benchmarks/realworld/evaluate.py --unjudged       # list the critical/high nobody judged yet
    python benchmarks/realworld/evaluate.py --template       # the same, as TOML stubs for judgements.toml
    python benchmarks/realworld/evaluate.py --persona regular   # once personas exist

The repositories are never committed (see README.md): each one is a snapshot that the
``fetch`` tool brought to ``/work/.mirror/<owner>+<name>/repo`` (a bare git directory).
This script writes ``git archive`` of the pinned commit into a temporary directory
(blobs the snapshot lacks, such as files of 4 MiB and more, are left out and counted),
with a minimal ``.git/config`` naming the GitHub remote (as the clone a user scans has),
runs auditui's engine in-process on it, as ``auditui scan`` does (the repository's own
auditui configuration, if any, applies), and compares the active critical and high
findings with the verdicts in ``judgements.toml``.

Figures, per repository and in total:

* criticals, highs: active (not suppressed) findings at that severity;
* precision: critical+high findings that are real problems at the severity auditui gave,
  over the critical+high findings that were judged;
* TP-any: real problems at any severity (``tp`` + ``wrong-severity``) over judged;
* unjudged: critical+high findings with no verdict (new since judging): listed with
  ``--unjudged`` so that someone judges them;
* gone: judged findings that are no longer critical or high (removed or lowered), by verdict;
  a ``tp`` that is gone is a recall loss to look at, an ``fp`` that is gone is a fix;
* low hardening share: low per-container hardening items (capabilities, read-only root,
  user, no-new-privileges, seccomp, token automount, digest pinning) over all findings.

A verdict follows a finding by its fingerprint (code, path, resource, symbolic path);
when a check changes its resource or symbolic path, the verdict still follows it when
exactly one unmatched verdict has the same code, path and line.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
REPOS = HERE / "repos.toml"
JUDGEMENTS = HERE / "judgements.toml"
MIRROR = Path("/work/.mirror")

VERDICTS = ("tp", "wrong-severity", "debatable", "fp")
SEVERE = ("critical", "high")

#: low per-container hardening items (issue 12, item 9): capabilities, read-only root,
#: user, no-new-privileges, seccomp, service-account token automount, digest pinning
HARDENING_CODES = frozenset({
    "K8S005", "K8S010", "K8S011", "K8S014", "K8S015", "K8S016", "K8S019",
    "CMP007", "CMP008", "CMP009", "CMP010", "CMP011",
    "DKR004",
})


# -- the set and the verdicts ----------------------------------------------------------

@dataclass(frozen=True)
class Repo:
    name: str
    repo: str  # owner/name on GitHub
    commit: str
    license: str
    kind: tuple[str, ...]
    why: str

    @property
    def git_dir(self) -> Path:
        return MIRROR / self.repo.replace("/", "+") / "repo"


@dataclass(frozen=True)
class Verdict:
    repo: str
    fingerprint: str
    code: str
    path: str
    line: int | None
    severity: str  # the severity auditui gave when it was judged
    verdict: str
    should_be: str | None  # for wrong-severity: the severity it should have
    reason: str
    klass: str = ""  # the false-positive or wrong-severity class (README: classes)

    @property
    def right_severity(self) -> str | None:
        """The severity at which this finding is right (None: it should not be reported)."""
        if self.verdict == "tp":
            return self.severity
        if self.verdict == "wrong-severity":
            return self.should_be
        return None


def load_repos(path: Path = REPOS) -> list[Repo]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for entry in data.get("repo", []):
        out.append(Repo(
            name=entry["name"], repo=entry["repo"], commit=entry["commit"], license=entry["license"],
            kind=tuple(entry.get("kind", ())), why=entry.get("why", ""),
        ))
    names = [r.name for r in out]
    duplicates = sorted(n for n, c in Counter(names).items() if c > 1)
    if duplicates:
        raise SystemExit(f"{path.name}: repository names used twice: {', '.join(duplicates)}")
    return out


def load_verdicts(path: Path = JUDGEMENTS) -> list[Verdict]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    problems = []
    for number, entry in enumerate(data.get("finding", []), 1):
        verdict = entry.get("verdict")
        should_be = entry.get("should_be")
        if verdict not in VERDICTS:
            problems.append(f"finding #{number} ({entry.get('fingerprint')}): verdict {verdict!r} "
                            f"is not one of {', '.join(VERDICTS)}")
            continue
        if verdict == "wrong-severity" and should_be not in ("critical", "high", "medium", "low", "info"):
            problems.append(f"finding #{number} ({entry.get('fingerprint')}): wrong-severity needs should_be")
            continue
        out.append(Verdict(
            repo=entry["repo"], fingerprint=entry["fingerprint"], code=entry["code"], path=entry["path"],
            line=entry.get("line") or None, severity=entry["severity"], verdict=verdict, should_be=should_be,
            reason=entry.get("reason", ""), klass=entry.get("class", ""),
        ))
    twice = sorted(f"{r}/{f}" for (r, f), n in Counter((v.repo, v.fingerprint) for v in out).items() if n > 1)
    if twice:
        problems.append(f"judged twice (keep one verdict per finding): {', '.join(twice)}")
    if problems:
        raise SystemExit(f"{path.name}:\n  " + "\n  ".join(problems))
    return out


# -- snapshots -------------------------------------------------------------------------

def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], input=data, check=True,
                          capture_output=True, timeout=600).stdout


# Bumped when extraction changes, so that a --workdir extracted by an older version is redone.
EXTRACTION = "blobs-v2"


def extract(repo: Repo, into: Path) -> tuple[int, int]:
    """Write the pinned commit's tree into ``into``; (files written, blobs missing from the snapshot).

    Every blob of the tree is written as a clone checks it out. ``git archive`` is not used: it
    leaves out paths the repository marks ``export-ignore`` in ``.gitattributes`` (getsentry's and
    coolify's ``.github``), which a user's clone has and auditui reads."""
    listing = _git(repo.git_dir, "ls-tree", "-r", "-z", "--full-tree", repo.commit)
    entries = []
    for raw in listing.split(b"\0"):
        if not raw:
            continue
        meta, _, name = raw.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), name.decode("utf-8", "surrogateescape")))
    check = _git(repo.git_dir, "cat-file", "--batch-check",
                 data=b"".join(sha.encode() + b"\n" for _, sha, _ in entries)).decode()
    present = [entry for entry, line in zip(entries, check.splitlines()) if not line.endswith("missing")]
    batch = _git(repo.git_dir, "cat-file", "--batch",
                 data=b"".join(sha.encode() + b"\n" for _, sha, _ in present))
    into.mkdir(parents=True, exist_ok=True)
    base = into.resolve()
    at = 0
    for mode, sha, name in present:
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split(b" ")[2])
        body = batch[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
        target = (into / name)
        if not target.resolve().is_relative_to(base):  # a path that leaves the tree through a link
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            if not target.is_symlink() and not target.exists():
                target.symlink_to(os.fsdecode(body))
            continue
        target.write_bytes(body)
        if mode == "100755":
            target.chmod(0o755)
    return len(present), len(entries) - len(present)


def write_git_config(repo: Repo, root: Path) -> None:
    """A minimal ``.git/config`` naming the repository's GitHub remote, as a clone has: a user runs
    auditui in a clone, and ``git archive`` leaves the clone's identity out (auditui reads that one
    file to recognise the repository's own images)."""
    config = root / ".git" / "config"
    text = f'[remote "origin"]\n\turl = https://github.com/{repo.repo}.git\n'
    if config.is_file() and config.read_text(encoding="utf-8") == text:
        return
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")


# -- running auditui -------------------------------------------------------------------

@dataclass
class Result:
    repo: Repo
    findings: list = field(default_factory=list)  # active auditui findings
    seconds: float = 0.0
    files: int = 0
    missing_blobs: int = 0
    skipped: str | None = None
    notices: int = 0


def _config(root: Path, persona: str | None):
    from auditui.checks import configfile

    config = configfile.load(root, None)
    if persona is None:
        return config
    params = inspect.signature(configfile.override).parameters
    if "persona" not in params:
        raise SystemExit("this auditui has no personas yet (configfile.override takes no persona)")
    return configfile.override(config, persona=persona)


def scan(repo: Repo, persona: str | None, workdir: Path | None) -> Result:
    from auditui.checks.engine import Engine

    result = Result(repo)
    if not repo.git_dir.is_dir():
        result.skipped = (f"no snapshot at {repo.git_dir}: fetch github:{repo.repo} with the fetch tool "
                          f"(see README.md)")
        return result
    try:
        _git(repo.git_dir, "cat-file", "-e", f"{repo.commit}^{{commit}}")
    except subprocess.CalledProcessError:
        result.skipped = f"the snapshot at {repo.git_dir} lacks commit {repo.commit}: fetch it again"
        return result
    temp = None
    if workdir is not None:
        root = workdir / repo.name
        stamp = root / ".auditui-eval-commit"
        if not (stamp.exists() and stamp.read_text().split()[:2] == [repo.commit, EXTRACTION]):
            shutil.rmtree(root, ignore_errors=True)
            _, result.missing_blobs = extract(repo, root)
            stamp.write_text(f"{repo.commit} {EXTRACTION} {result.missing_blobs}\n")
        else:
            result.missing_blobs = int(stamp.read_text().split()[2])
    else:
        temp = tempfile.mkdtemp(prefix=f"auditui-eval-{repo.name}-")
        root = Path(temp)
        _, result.missing_blobs = extract(repo, root)
    write_git_config(repo, root)
    try:
        from auditui.checks import configfile

        try:
            config = _config(root, persona)
        except configfile.ConfigError as exc:
            print(f"{repo.name}: its auditui configuration is not valid ({exc}); defaults used", file=sys.stderr)
            config = None
        engine = Engine(root, config)
        start = time.perf_counter()
        findings = engine.scan()
        result.seconds = time.perf_counter() - start
        result.files = len(engine.records)
        result.notices = len(engine.all_notices())
        result.findings = [f for f in findings if not f.suppressed_by and f.path != ".auditui-eval-commit"]
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return result


# -- comparing with the verdicts -------------------------------------------------------

@dataclass
class Figures:
    name: str
    findings: int = 0
    critical: int = 0
    high: int = 0
    judged: int = 0
    tp_right: int = 0  # tp at the severity auditui gives now
    tp_other: int = 0  # real, but at another severity than it should be
    debatable: int = 0
    fp: int = 0
    unjudged: int = 0
    hardening_low: int = 0
    gone: Counter = field(default_factory=Counter)  # verdict -> judged findings no longer critical/high
    by_location: int = 0  # verdicts matched by code/path/line, not fingerprint
    skipped: str | None = None
    seconds: float = 0.0
    files: int = 0
    missing_blobs: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp_right / self.judged if self.judged else None

    @property
    def tp_any(self) -> float | None:
        return (self.tp_right + self.tp_other) / self.judged if self.judged else None

    @property
    def hardening_share(self) -> float | None:
        return self.hardening_low / self.findings if self.findings else None

    def add(self, other: "Figures") -> None:
        for name in ("findings", "critical", "high", "judged", "tp_right", "tp_other", "debatable", "fp",
                     "unjudged", "hardening_low", "by_location", "files", "missing_blobs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.gone.update(other.gone)

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("name", "findings", "critical", "high", "judged", "tp_right",
                                             "tp_other", "debatable", "fp", "unjudged", "hardening_low",
                                             "by_location", "files", "missing_blobs", "skipped")}
        out["seconds"] = round(self.seconds, 2)
        out["gone"] = dict(self.gone)
        for name in ("precision", "tp_any", "hardening_share"):
            value = getattr(self, name)
            out[name] = None if value is None else round(value, 4)
        return out


def severity_of(finding) -> str:
    return finding.severity.label


def compare(result: Result, verdicts: list[Verdict]) -> tuple[Figures, list, list[tuple], list[tuple]]:
    """Figures for one repository, its unjudged severe findings, (finding, verdict, outcome) rows
    and (verdict, what became of it) for the judged findings that are no longer critical or high."""
    figures = Figures(result.repo.name, skipped=result.skipped, seconds=result.seconds, files=result.files,
                      missing_blobs=result.missing_blobs)
    if result.skipped:
        return figures, [], [], []
    mine = [v for v in verdicts if v.repo == result.repo.name]
    by_fp = {v.fingerprint: v for v in mine}
    figures.findings = len(result.findings)
    figures.hardening_low = sum(1 for f in result.findings if severity_of(f) == "low" and f.code in HARDENING_CODES)
    severe = [f for f in result.findings if severity_of(f) in SEVERE]
    figures.critical = sum(1 for f in severe if severity_of(f) == "critical")
    figures.high = len(severe) - figures.critical
    present = {f.fingerprint for f in result.findings}
    used: set[str] = set()
    matched: list[tuple] = []
    pending = []
    for finding in severe:
        verdict = by_fp.get(finding.fingerprint)
        if verdict is not None:
            used.add(verdict.fingerprint)
            matched.append((finding, verdict))
        else:
            pending.append(finding)
    # second chance: same code, path and line, exactly one candidate left
    spare = defaultdict(list)
    for v in mine:
        if v.fingerprint not in used and v.fingerprint not in present:
            spare[(v.code, v.path, v.line)].append(v)
    unjudged = []
    for finding in pending:
        candidates = [v for v in spare.get((finding.code, finding.path, finding.line), ()) if v.fingerprint not in used]
        if len(candidates) == 1:
            used.add(candidates[0].fingerprint)
            matched.append((finding, candidates[0]))
            figures.by_location += 1
        else:
            unjudged.append(finding)
    rows = []
    for finding, verdict in matched:
        figures.judged += 1
        if verdict.verdict == "fp":
            outcome = "fp"
            figures.fp += 1
        elif verdict.verdict == "debatable":
            outcome = "debatable"
            figures.debatable += 1
        elif verdict.right_severity == severity_of(finding):
            outcome = "tp"
            figures.tp_right += 1
        else:
            outcome = "wrong-severity"
            figures.tp_other += 1
        rows.append((finding, verdict, outcome))
    figures.unjudged = len(unjudged)
    by_print = {f.fingerprint: f for f in result.findings}
    gone = []
    for v in mine:
        if v.fingerprint not in used:
            figures.gone[v.verdict] += 1
            now = by_print.get(v.fingerprint)
            gone.append((v, f"lowered to {severity_of(now)}" if now is not None else "removed"))
    return figures, unjudged, rows, gone


# -- output ----------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def print_table(all_figures: list[Figures], total: Figures, extra: list[Figures] = ()) -> None:
    header = (f"{'repository':<24} {'files':>5} {'all':>5} {'crit':>4} {'high':>4} {'judged':>6} {'prec':>5} "
              f"{'TPany':>5} {'tp':>4} {'wsev':>4} {'deb':>4} {'fp':>4} {'new':>4} {'gone':>4} {'lowhard':>7} {'s':>5}")
    print(header)
    print("-" * len(header))
    for fig in all_figures + [total] + list(extra):
        if fig is total:
            print("-" * len(header))
        if fig.skipped:
            print(f"{fig.name:<24} skipped: {_safe(fig.skipped)}")
            continue
        print(f"{fig.name:<24} {fig.files:>5} {fig.findings:>5} {fig.critical:>4} {fig.high:>4} {fig.judged:>6} "
              f"{_pct(fig.precision):>5} {_pct(fig.tp_any):>5} {fig.tp_right:>4} {fig.tp_other:>4} "
              f"{fig.debatable:>4} {fig.fp:>4} {fig.unjudged:>4} {sum(fig.gone.values()):>4} "
              f"{_pct(fig.hardening_share):>7} {fig.seconds:>5.1f}")
    if total.gone:
        parts = ", ".join(f"{n} {v}" for v, n in sorted(total.gone.items()))
        print(f"\njudged findings no longer critical/high: {parts}"
              + ("  (a gone 'tp' may be a recall loss: look at it)" if total.gone.get("tp") else ""))
    if total.by_location:
        print(f"verdicts matched by code/path/line after a fingerprint change: {total.by_location}")
    if total.missing_blobs:
        print(f"blobs missing from snapshots (not scanned): {total.missing_blobs}")


def _finding_dict(repo: str, finding) -> dict:
    return {
        "repo": repo, "fingerprint": finding.fingerprint, "code": finding.code, "path": finding.path,
        "line": finding.line, "severity": severity_of(finding), "resource": finding.resource,
        "message": finding.message, "evidence": finding.evidence,
    }


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _safe(text: object) -> str:
    from auditui.checks.textsafe import one_line

    return one_line("" if text is None else text)


def print_template(repo: str, findings: list) -> None:
    for f in findings:
        print(f"\n# {f.code} {_safe(f.path)}:{f.line} {_safe(f.resource)}: {_safe(f.message)}")
        if f.evidence:
            print(f"# evidence: {_safe(f.evidence)[:300]}")
        print("[[finding]]")
        print(f"repo = {_toml_string(repo)}")
        print(f"fingerprint = {_toml_string(f.fingerprint)}")
        print(f"code = {_toml_string(f.code)}")
        print(f"path = {_toml_string(f.path)}")
        print(f"line = {f.line if f.line is not None else 0}")
        print(f"severity = {_toml_string(severity_of(f))}")
        print('verdict = ""')
        print('reason = ""')


def print_classes(judged: list[dict]) -> None:
    """Judged critical/high findings that are not right at their severity, grouped by class."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for entry in judged:
        if entry["outcome"] != "tp":
            groups[entry["klass"] or "(no class)"].append(entry)
    print("\nclasses of wrong, debatable and wrong-severity critical/high findings:")
    for klass, entries in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        mix = Counter(e["outcome"] for e in entries)
        repos = len({e["repo"] for e in entries})
        print(f"  {len(entries):>4}  {klass}  ({', '.join(f'{n} {o}' for o, n in mix.most_common())}; "
              f"{repos} repositories)")
        for e in entries[:3]:
            print(f"          {e['repo']}: {e['code']} {_safe(e['path'])}:{e['line']}  {_safe(e['reason'])}")


def print_context(root: Path, entry: dict, around: int) -> None:
    if entry["evidence"]:
        print(f"      evidence: {_safe(entry['evidence'])[:240]}")
    if not entry["line"] or not entry["path"] or entry["path"] == ".":
        return
    try:
        lines = (root / entry["path"]).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    first = max(1, entry["line"] - around)
    for number in range(first, min(len(lines), entry["line"] + around) + 1):
        mark = ">" if number == entry["line"] else " "
        print(f"      {mark}{number:>5} {_safe(lines[number - 1])[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", action="append", help="only this repository (by name; repeatable)")
    parser.add_argument("--persona", help="auditui persona to scan with (when auditui has personas)")
    parser.add_argument("--json", action="store_true", help="print figures (and unjudged findings) as JSON")
    parser.add_argument("--unjudged", action="store_true", help="list critical/high findings without a verdict")
    parser.add_argument("--template", action="store_true", help="print TOML stubs for unjudged findings")
    parser.add_argument("--findings", action="store_true", help="list every judged critical/high with its verdict")
    parser.add_argument("--gone", action="store_true",
                        help="list judged findings that are no longer critical or high (removed or lowered)")
    parser.add_argument("--classes", action="store_true",
                        help="summarise the judged findings that are not right by class, largest first")
    parser.add_argument("--context", type=int, default=0, metavar="N",
                        help="with --unjudged and --workdir: show N source lines around each finding")
    parser.add_argument("--workdir", type=Path,
                        help="keep extracted snapshots here between runs (default: a temporary directory each run)")
    args = parser.parse_args(argv)

    repos = load_repos()
    verdicts = load_verdicts()
    known = {r.name for r in repos}
    stray = sorted({v.repo for v in verdicts} - known)
    if stray:
        print(f"judgements.toml names repositories not in repos.toml: {', '.join(stray)}", file=sys.stderr)
    if args.repo:
        unknown = sorted(set(args.repo) - known)
        if unknown:
            raise SystemExit(f"unknown repository: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        repos = [r for r in repos if r.name in args.repo]

    sys.path.insert(0, str(PROJECT))
    all_figures: list[Figures] = []
    total = Figures("TOTAL")
    #: repositories of kind "held-out" were added late and judged once, on a main nobody tuned on
    #: them: their subtotal is the out-of-sample figure; "tuned" is the rest of the set
    held_out = Figures("held-out subtotal")
    tuned = Figures("in-sample subtotal")
    report: dict = {"persona": args.persona, "repos": [], "unjudged": [], "judged": [], "gone": []}
    for repo in repos:
        result = scan(repo, args.persona, args.workdir)
        figures, unjudged, rows, gone = compare(result, verdicts)
        all_figures.append(figures)
        if figures.skipped:
            print(f"{repo.name}: skipped: {figures.skipped}", file=sys.stderr)
        else:
            total.add(figures)
            (held_out if "held-out" in repo.kind else tuned).add(figures)
        report["repos"].append(figures.as_dict())
        report["unjudged"].extend(_finding_dict(repo.name, f) for f in unjudged)
        for finding, verdict, outcome in rows:
            entry = _finding_dict(repo.name, finding)
            entry.update(verdict=verdict.verdict, outcome=outcome, should_be=verdict.should_be,
                         reason=verdict.reason, klass=verdict.klass)
            report["judged"].append(entry)
        for verdict, fate in gone:
            report["gone"].append({"repo": repo.name, "fingerprint": verdict.fingerprint, "code": verdict.code,
                                   "path": verdict.path, "line": verdict.line, "severity": verdict.severity,
                                   "verdict": verdict.verdict, "should_be": verdict.should_be, "now": fate,
                                   "reason": verdict.reason})
        if args.template and unjudged and not args.json:
            print_template(repo.name, unjudged)
    report["total"] = total.as_dict()
    split = [fig for fig in (tuned, held_out) if fig.files] if held_out.files and tuned.files else []
    if split:
        report["subtotals"] = {fig.name: fig.as_dict() for fig in split}
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    if args.template:
        return 0
    print_table(all_figures, total, split)
    if args.findings:
        print("\njudged critical/high findings:")
        for entry in report["judged"]:
            print(f"  [{entry['outcome']:<14}] {entry['repo']}: {entry['code']} {entry['severity']:<8} "
                  f"{entry['path']}:{entry['line']}  {entry['reason']}")
    if args.classes:
        print_classes(report["judged"])
    if args.gone and report["gone"]:
        print("\njudged findings no longer critical/high:")
        for entry in sorted(report["gone"], key=lambda e: (e["verdict"] != "tp", e["repo"], e["path"])):
            print(f"  [{entry['verdict']:<14}] {entry['repo']}: {entry['code']} {_safe(entry['path'])}:{entry['line']} "
                  f"{entry['now']}  ({_safe(entry['reason'])})")
    if args.unjudged and report["unjudged"]:
        print("\nunjudged critical/high findings (judge them in judgements.toml):")
        for entry in report["unjudged"]:
            print(f"  {entry['repo']}: {entry['code']} {entry['severity']:<8} {_safe(entry['path'])}:{entry['line']}  "
                  f"{entry['fingerprint']}  {_safe(entry['message'])}")
            if args.context and args.workdir is not None:
                print_context(args.workdir / entry["repo"], entry, args.context)
    elif report["unjudged"]:
        print(f"\n{len(report['unjudged'])} critical/high findings have no verdict: run with --unjudged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
