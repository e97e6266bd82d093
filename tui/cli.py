"""The ``auditui`` command line.

``auditui [PATH]`` opens the interactive app; ``auditui scan`` runs headless for CI;
``auditui report`` writes the audit report; ``auditui inventory`` lists what the
repository runs; ``auditui config`` shows the effective
configuration; ``auditui prune`` forgets triage entries of findings that are gone;
``auditui triage`` accepts, defers, reopens or notes findings from a script;
``auditui checks`` and ``auditui explain`` describe the catalog.

Every mistake in what the user typed or configured is one line on stderr and exit
code 2; so is any unexpected error (never a traceback).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .checks import registry
from .checks.api import Finding, Severity
from .checks.engine import PARALLEL_MIN_FILES, Engine
from .checks.textsafe import one_line
from .checks.version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "markdown")
REPORT_FORMATS = ("markdown", "html")
INVENTORY_FORMATS = ("text", "json", "csv", "markdown")
#: the most processes a headless scan starts by itself (--jobs can ask for more)
MAX_AUTO_JOBS = 4
SUBCOMMANDS = ("scan", "report", "inventory", "config", "prune", "triage", "checks", "explain", "tui")
TRIAGE_ACTIONS = ("accept", "defer", "reopen", "note")
FAIL_ON_CHOICES = "critical|high|medium|low|info|none"


class UsageError(Exception):
    """A mistake in what the user typed: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (plus where to find help), exit 2."""

    #: the sub-commands' parsers, by name (set by :func:`build_parser`)
    commands: dict[str, argparse.ArgumentParser]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _codes(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail_on(value: str) -> Severity | str:
    """A severity, or the string ``"none"`` (argparse's own None means 'not given')."""
    if value.strip().lower() == "none":
        return "none"
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} or none") from None


def build_parser() -> _Parser:
    parser = _Parser(
        prog="auditui",
        description="Is this repository ready for production? An interactive infrastructure audit.",
        epilog="Run 'auditui PATH' for the interactive app, 'auditui scan PATH' for CI.",
    )
    parser.add_argument("--version", action="version", version=f"auditui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tui = sub.add_parser("tui", help="open the interactive app (the default command)")
    _add_tui_args(tui)

    scan = sub.add_parser("scan", help="audit headless and print the findings (for CI)")
    scan.add_argument("path", nargs="?", default=".", help="repository to audit (default: .)")
    scan.add_argument("--format", "-f", choices=FORMATS, default="text")
    scan.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    scan.add_argument(
        "--fail-on", type=_fail_on, default=None, metavar="LEVEL",
        help=f"exit 1 when an open finding is at or above LEVEL: {FAIL_ON_CHOICES} "
             "(default: the configuration's fail-on, else high)",
    )
    scan.add_argument("--select", type=_codes, default=None, metavar="CODES",
                      help="only these checks (codes, names or categories, comma-separated; replaces the configuration's)")
    scan.add_argument("--ignore", type=_codes, default=None, metavar="CODES",
                      help="skip these checks (replaces the configuration's ignore)")
    _add_common(scan)
    scan.add_argument("--baseline", metavar="FILE",
                      help="an earlier 'scan --format json' result: report only findings not in it")
    scan.add_argument("--update-baseline", action="store_true",
                      help="write the current findings to the --baseline FILE first")
    scan.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    _add_persona(scan)

    report = sub.add_parser("report", help="write the audit report (Markdown or self-contained HTML)")
    report.add_argument("path", nargs="?", default=".", help="repository to audit (default: .)")
    report.add_argument("--format", "-f", choices=REPORT_FORMATS, default="markdown")
    report.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    _add_common(report)
    _add_persona(report)

    inventory = sub.add_parser(
        "inventory", help="list what the repository runs, by area, with a maturity verdict (the report's first section)")
    inventory.add_argument("path", nargs="?", default=".", help="repository to audit (default: .)")
    inventory.add_argument("--format", "-f", choices=INVENTORY_FORMATS, default="text",
                           help="csv is the infra_inventory.csv an auditor hands over")
    inventory.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    _add_common(inventory)

    config = sub.add_parser("config", help="print the effective configuration and where each part came from")
    config.add_argument("path", nargs="?", default=".", help="repository (default: .)")
    config.add_argument("--config", metavar="FILE", help="read only this configuration file")

    prune = sub.add_parser("prune", help="remove triage entries whose finding no longer exists")
    prune.add_argument("path", nargs="?", default=".", help="repository (default: .)")
    _add_common(prune)
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed; change nothing")

    triage = sub.add_parser(
        "triage", help="accept, defer, reopen or note findings without the app (writes the same state file)",
        description="Triage the findings that match every selector given (at least one is required).")
    triage.add_argument("action", choices=TRIAGE_ACTIONS)
    triage.add_argument("path", nargs="?", default=".", help="repository (default: .)")
    triage.add_argument("--fingerprint", action="append", default=[], metavar="FP",
                        help="a finding's fingerprint (as in 'scan --format json'); repeatable")
    triage.add_argument("--code", type=_codes, default=None, metavar="CODES",
                        help="check codes or names, comma-separated")
    triage.add_argument("--path", dest="glob", action="append", default=[], metavar="GLOB",
                        help="files to match, shell-style ('k8s/*.yaml'; * also crosses folders); repeatable")
    triage.add_argument("--reason", default="", help="why (required for accept and defer)")
    triage.add_argument("--until", default=None, metavar="DATE",
                        help="defer until YYYY-MM-DD or +N days (default +14)")
    triage.add_argument("--text", default="", help="the note (for note)")
    triage.add_argument("--dry-run", action="store_true", help="list what would change; change nothing")
    _add_common(triage)

    sub.add_parser("checks", help="list every check in the catalog")

    explain = sub.add_parser("explain", help="explain one check: rationale, remediation, references")
    explain.add_argument("check", metavar="CODE|NAME")
    parser.commands = dict(sub.choices)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE",
                        help="read only this configuration file (default: .auditui/config.toml and pyproject.toml)")
    parser.add_argument("--state", metavar="FILE", help="triage state file (default: PATH/.auditui/state.toml)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help=f"processes that read and check files from {PARALLEL_MIN_FILES} files on (default: one per free "
                             f"processor, as the load average tells, at most {MAX_AUTO_JOBS}; 1: one process)")


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("at least 1 process")
    return jobs


def auto_jobs() -> int:
    """Processes a headless scan uses by default: one per processor this process may run on and
    the load average leaves free (as ``make -l`` judges it), at most :data:`MAX_AUTO_JOBS`; one
    on a busy machine, where a second process only adds the cost of handing its results over."""
    from .checks import workers

    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average here: assume the processors are free
        busy = 0.0
    return max(1, min(round(workers.cpu_count() - busy), MAX_AUTO_JOBS))


def _add_tui_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="repository to audit (default: .)")
    parser.add_argument("--state", metavar="FILE", help="triage state file (default: PATH/.auditui/state.toml)")
    parser.add_argument("--no-watch", action="store_true", help="do not watch the repository for changes")
    _add_persona(parser)


def _add_persona(parser: argparse.ArgumentParser) -> None:
    from .checks.persona import PERSONAS

    parser.add_argument("--persona", choices=PERSONAS, default=None,
                        help="how much is shown: regular (default: the readiness story, hardening items rolled up), "
                             "pedantic (every item on its own), auditor (everything, information included)")


def _root(path: str) -> Path:
    root = Path(path)
    if not root.exists():
        raise UsageError(f"no such directory: {path}")
    if not root.is_dir():
        raise UsageError(f"not a directory: {path}")
    try:
        next(iter(root.iterdir()), None)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list = ["tui", *args_list]
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(args_list)
        if extra and args.command in SUBCOMMANDS:
            # options between positionals ('triage accept --code X .'): argparse reads the
            # positionals of a sub-command in one run; its own parser reads them intermixed
            command = parser.commands[args.command]
            args = command.parse_intermixed_args(args_list[1:], namespace=argparse.Namespace(command=args.command))
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse already printed the message
        return EXIT_ERROR if exc.code else EXIT_OK
    try:
        if args.command == "scan":
            return cmd_scan(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "inventory":
            return cmd_inventory(args)
        if args.command == "config":
            return cmd_config(args)
        if args.command == "prune":
            return cmd_prune(args)
        if args.command == "triage":
            return cmd_triage(args)
        if args.command == "checks":
            return cmd_checks()
        if args.command == "explain":
            return cmd_explain(args.check)
        return cmd_tui(args)
    except UsageError as exc:
        print(f"auditui: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `auditui scan | head`
        return EXIT_OK
    except Exception as exc:  # never a traceback: one line, exit 2
        detail = " ".join(str(exc).split()) or "(no detail)"
        print(f"auditui: internal error: {type(exc).__name__}: {detail}", file=sys.stderr)
        return EXIT_ERROR


def cmd_tui(args: argparse.Namespace) -> int:
    root = _root(args.path)
    from .app import AuditApp  # Textual is imported only for the interactive app

    app = AuditApp(root, state_path=args.state, watch=not args.no_watch, config=load_config(root, args))
    app.run()
    return app.return_code or 0


def _progress(enabled: bool):
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # drawn when the scan reports (every 50 files), not by a thread of its own: a scan may fork
    # workers (checks/workers.py), which a process running another thread must not do
    progress = Progress(
        TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True, auto_refresh=False,
    )
    task = progress.add_task("scan", total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total, refresh=True)

    return progress, update


def _warn(message: str) -> None:
    print(f"auditui: {message}", file=sys.stderr)


def load_config(root: Path, args: argparse.Namespace):
    """The project configuration with the command line's flags on top."""
    from .checks import configfile

    fail_on = getattr(args, "fail_on", None)
    try:
        config = configfile.load(root, getattr(args, "config", None))
        return configfile.override(
            config,
            select=getattr(args, "select", None),
            ignore=getattr(args, "ignore", None),
            fail_on="unset" if fail_on is None else (None if fail_on == "none" else fail_on),
            persona=getattr(args, "persona", None),
        )
    except configfile.ConfigError as exc:
        raise UsageError(str(exc)) from None


def open_triage(root: Path, state: str | None):
    """The triage store (``--state`` must exist when given); its notices go to stderr."""
    from .checks.triage import TriageStore

    if state is not None and not Path(state).is_file():
        raise UsageError(f"no such triage state file: {state}")
    store = TriageStore.open(root, state)
    for message in store.messages:
        _warn(message)
    return store


def run_scan(root: Path, config, show_progress: bool = False, jobs: int | None = None) -> tuple[Engine, float]:
    """A cold scan for a command (one thread: large repositories are read by ``jobs`` processes,
    :func:`auto_jobs` when None; see ``Engine.scan``)."""
    engine = Engine(root, config)
    progress, update = _progress(show_progress)
    jobs = auto_jobs() if jobs is None else jobs
    start = time.perf_counter()
    if progress is not None:
        with progress:
            engine.scan(progress=update, jobs=jobs)
    else:
        engine.scan(jobs=jobs)
    elapsed = time.perf_counter() - start
    # A command scans once and exits: what the scan built lives until then, so the collector
    # stops walking it (else the report's allocations trigger full collections that visit
    # every parsed document again, ~0.2 s on the shared k8s corpus, to free nothing).
    gc.freeze()
    return engine, elapsed


def _write(output: str, target: str | None, root: Path | None = None) -> None:
    """``output`` to stdout, or to the file ``target`` through :mod:`safeio`.

    A target inside the audited repository is written only through real folders (a link the
    repository commits in the way is refused) and never over a link, FIFO or device.
    """
    if target:
        from .checks import safeio

        try:
            safeio.write_text(target, output, root=safeio.output_root(target, root))
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(output)
        sys.stdout.flush()


def cmd_scan(args: argparse.Namespace) -> int:
    root = _root(args.path)
    if args.update_baseline and not args.baseline:
        raise UsageError("--update-baseline needs --baseline FILE")
    config = load_config(root, args)
    store = open_triage(root, args.state)
    engine, elapsed = run_scan(root, config, not args.no_progress and sys.stderr.isatty(), args.jobs)
    store.match_renames(engine.findings, engine.records)  # triage follows a renamed file (nothing written)
    result = audit_result(engine, str(args.path), store.status_of)
    baseline_note = None
    if args.baseline:
        from .checks import baseline
        from .checks.report import json_report

        if args.update_baseline:
            _write(json_report.render(result), args.baseline, root)
        try:
            base = baseline.load(args.baseline, root)
        except baseline.BaselineError as exc:
            raise UsageError(str(exc)) from None
        comparison = baseline.compare(result.findings, base)
        result.findings = comparison.new
        result.summary["baseline"] = comparison.summary(args.baseline)
        baseline_note = (f"baseline {args.baseline}: {len(comparison.new)} new, {len(comparison.known)} known, "
                         f"{len(comparison.fixed)} fixed" + (" (baseline updated)" if args.update_baseline else ""))
        if args.format != "text" or args.output:
            _warn(baseline_note)
    context = {"root": root, "index": engine.index, "triage": store, "context_of": engine.context_of}
    output = render(args.format, result, elapsed, to_tty=args.output is None and sys.stdout.isatty(),
                    context=context, footer=baseline_note)
    _write(output, args.output, root)
    return exit_code(result, config.fail_on)


def report_text(engine: Engine, root: Path, root_label: str, store, fmt: str = "markdown") -> str:
    """The audit report of a scanned engine, as ``auditui report`` writes it (the app's export too)."""
    result = audit_result(engine, root_label, store.status_of if store is not None else None)
    return render(fmt, result, 0.0, context={"root": root, "index": engine.index, "triage": store,
                                             "context_of": engine.context_of})


def audit_result(engine: Engine, root_label: str, status_of=None):
    from .checks.report import AuditResult, default_status

    return AuditResult(
        root=root_label,
        findings=engine.findings,
        notices=engine.all_notices(),
        summary=engine.summary(),
        status_of=status_of or default_status,
    )


def exit_code(result, fail_on: Severity | None) -> int:
    if fail_on is None:
        return EXIT_OK
    for finding in result.findings:
        if finding.severity >= fail_on and result.status_of(finding) == "open":
            return EXIT_FINDINGS
    return EXIT_OK


def render(fmt: str, result, elapsed: float, to_tty: bool = False, context: dict | None = None,
           footer: str | None = None) -> str:
    if fmt == "json":
        from .checks.report import json_report

        return json_report.render(result)
    if fmt == "sarif":
        from .checks.report import sarif

        return sarif.render(result)
    if fmt == "markdown":
        from .checks.report import markdown

        return markdown.render(result, **(context or {}))
    if fmt == "html":
        from .checks.report import html

        return html.render(result, **(context or {}))
    return render_text(result, elapsed, to_tty, footer)


def cmd_report(args: argparse.Namespace) -> int:
    root = _root(args.path)
    config = load_config(root, args)
    store = open_triage(root, args.state)
    engine, elapsed = run_scan(root, config, sys.stderr.isatty(), args.jobs)
    store.match_renames(engine.findings, engine.records)  # triage follows a renamed file (nothing written)
    result = audit_result(engine, str(args.path), store.status_of)
    output = render(args.format, result, elapsed, context={"root": root, "index": engine.index, "triage": store,
                                                           "context_of": engine.context_of})
    _write(output, args.output, root)
    if args.output:
        _warn(f"report written to {args.output}")
    return EXIT_OK


def inventory_of(engine: Engine, status_of=None):
    """The inventory of a scanned engine, with the readiness marks of its findings."""
    from .checks import inventory
    from .checks.readiness import production_checklist

    checklist = production_checklist(engine.findings, engine.index, status_of)
    return inventory.build(engine.index, engine.context_of, checklist)


def cmd_inventory(args: argparse.Namespace) -> int:
    """``auditui inventory``: what the repository runs, by area (text, JSON, CSV or Markdown)."""
    from .checks.report import inventory as render_inventory

    root = _root(args.path)
    config = load_config(root, args)
    store = open_triage(root, args.state)
    engine, _ = run_scan(root, config, sys.stderr.isatty(), args.jobs)
    output = render_inventory.render(args.format, inventory_of(engine, store.status_of), str(args.path))
    _write(output, args.output, root)
    if args.output:
        _warn(f"inventory written to {args.output}")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from .checks import configfile

    root = _root(args.path)
    config = load_config(root, args)
    sys.stdout.write(configfile.render(config, str(args.path)))
    return EXIT_OK


def cmd_prune(args: argparse.Namespace) -> int:
    """Remove triage entries whose finding is gone.

    Entries auditui could not have seen this time are kept: their check is disabled, or
    their file is excluded, was skipped, or does not parse (it may be mid-edit).
    """
    from .checks.triage import ReadOnlyStateError, coverage, unverified

    root = _root(args.path)
    config = load_config(root, args)
    store = open_triage(root, args.state)
    if store.read_only and not args.dry_run:
        raise UsageError(f"cannot prune: {store.read_only_reason}")
    engine, _ = run_scan(root, config, sys.stderr.isatty(), args.jobs)
    alive = {f.fingerprint for f in engine.findings}
    store.match_renames(engine.findings, engine.records)  # a renamed file's entries are not gone
    audited = coverage(root, engine.records, engine.all_notices())

    def check_ran(code: str) -> bool:
        check = registry.lookup(code)
        return check is None or config.enabled(check)

    def keep(entry) -> bool:
        return unverified(entry, audited=audited, check_ran=check_ran)

    gone = [e for e in store.resolved_entries(alive) if not keep(e)]
    for entry in gone:
        print(f"{'would remove' if args.dry_run else 'removed'} {one_line(entry.code)} {one_line(entry.path)} "
              f"{one_line(entry.resource)} ({entry.status})".rstrip())
    if args.dry_run:
        print(f"{len(gone)} triage entr{'y' if len(gone) == 1 else 'ies'} would be removed from {store.path}")
        return EXIT_OK
    try:
        removed = store.prune(alive, keep=keep) if gone else 0
    except ReadOnlyStateError as exc:
        raise UsageError(str(exc)) from None
    print(f"removed {removed} triage entr{'y' if removed == 1 else 'ies'} from {store.path}")
    return EXIT_OK


def cmd_triage(args: argparse.Namespace) -> int:
    """``auditui triage accept|defer|reopen|note``: the app's triage, for scripts and CI."""
    import datetime as dt
    import fnmatch

    from .checks.triage import ReadOnlyStateError, parse_until

    if not (args.fingerprint or args.code or args.glob):
        raise UsageError("say which findings: --fingerprint, --code and/or --path (at least one)")
    if args.action in ("accept", "defer") and not args.reason.strip():
        raise UsageError(f"{args.action} needs --reason")
    if args.action == "note" and not args.text.strip():
        raise UsageError("note needs --text")
    until = None
    if args.action == "defer":
        try:
            until = parse_until(args.until or "+14", dt.date.today())
        except ValueError as exc:
            raise UsageError(f"--until: {exc}") from None
    root = _root(args.path)
    config = load_config(root, args)
    store = open_triage(root, args.state)
    if store.read_only and not args.dry_run:
        raise UsageError(store.read_only_reason or "the state file is read-only")
    engine, _ = run_scan(root, config, sys.stderr.isatty(), args.jobs)
    if args.dry_run:
        store.match_renames(engine.findings, engine.records)
    else:
        store.follow_renames(engine.findings, engine.records)
    codes = {c.upper() for c in args.code or ()}
    names = {c.lower() for c in args.code or ()}
    wanted = set(args.fingerprint)
    chosen = []
    for finding in engine.findings:
        if wanted and finding.fingerprint not in wanted:
            continue
        if codes and finding.code.upper() not in codes and finding.name.lower() not in names:
            continue
        if args.glob and not any(fnmatch.fnmatchcase(finding.path or ".", g) for g in args.glob):
            continue
        status = store.status_of(finding)
        if status == "suppressed" or (args.action == "reopen" and status == "open"):
            continue
        chosen.append(finding)
    done = {"accept": "accepted", "defer": "deferred", "reopen": "reopened", "note": "noted"}[args.action]
    for finding in chosen:
        print(f"{'would ' + args.action if args.dry_run else done} "
              f"{finding.code} {one_line(finding.location)} {one_line(finding.resource)}".rstrip())
    if not chosen:
        print("no finding matches", file=sys.stderr)
        return EXIT_FINDINGS
    if args.dry_run:
        print(f"{len(chosen)} finding{'s' if len(chosen) != 1 else ''} would change in {store.path}")
        return EXIT_OK
    try:
        if args.action == "accept":
            store.accept_many(chosen, args.reason)
        elif args.action == "defer":
            store.defer_many(chosen, until, args.reason)
        elif args.action == "reopen":
            store.reopen_many(chosen)
        else:
            store.note_many(chosen, args.text)
    except (ReadOnlyStateError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    print(f"{len(chosen)} finding{'s' if len(chosen) != 1 else ''} triaged in {store.path}")
    return EXIT_OK


_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render_text(result, elapsed: float, to_tty: bool, footer: str | None = None) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=to_tty, no_color=not to_tty, width=120 if not to_tty else None,
                      highlight=False, soft_wrap=True)
    by_severity: dict[Severity, list[Finding]] = {}
    statuses: dict[str, int] = {}
    for finding in result.findings:
        by_severity.setdefault(finding.severity, []).append(finding)
    for severity in reversed(Severity):
        items = by_severity.get(severity)
        if not items:
            continue
        console.print(Text(f"{severity.label.upper()} ({len(items)})", style=_STYLE[severity]))
        for f in items:
            status = result.status_of(f)
            statuses[status] = statuses.get(status, 0) + 1
            line = Text("  ")
            line.append(f"{f.code} ", style="bold")
            line.append(f"{one_line(f.location)}  ", style="cyan" if to_tty else "")
            line.append(one_line(f.message))
            if status != "open":
                line.append(f"  [{status}]", style="dim")
            console.print(line)
            if f.evidence:
                console.print(Text(f"      {one_line(f.evidence)}", style="dim"))
            if f.suppressed_by:
                console.print(Text(f"      suppressed by {one_line(f.suppressed_by)}", style="dim"))
        console.print()
    for notice in result.notices:
        console.print(Text(f"note: {one_line(notice.path)}: {one_line(notice.message)}", style="dim"))
    counts = {s: len(by_severity.get(s, [])) for s in reversed(Severity)}
    total = sum(counts.values())
    parts = ", ".join(f"{n} {s.label}" for s, n in counts.items() if n)
    triaged = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()) if s != "open")
    files = result.summary.get("files", 0)
    console.print(
        f"{total} finding{'s' if total != 1 else ''}" + (f" ({parts})" if parts else "")
        + (f"; not open: {triaged}" if triaged else "")
        + f" in {files} file{'s' if files != 1 else ''}, {elapsed:.2f}s"
    )
    if footer:
        console.print(footer)
    return buffer.getvalue()


def cmd_checks() -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("code", "name", "severity", "category", "title"):
        table.add_column(column)
    for check in registry.ALL_CHECKS:
        table.add_row(check.code, check.name, check.severity.label, check.category.value, check.title)
    console = Console(width=200 if not sys.stdout.isatty() else None)
    console.print(table)
    console.print(f"{len(registry.ALL_CHECKS)} checks")
    return EXIT_OK


def cmd_explain(name: str) -> int:
    check = registry.lookup(name)
    if check is None:
        raise UsageError(f"unknown check: {name!r} (see 'auditui checks')")
    print(f"{check.code} {check.name}: {check.title}")
    print(f"severity: {check.severity.label}   category: {check.category.value}   effort: {check.effort}")
    print()
    print(check.rationale)
    print()
    print("Remediation:")
    for number, step in enumerate(check.remediation, 1):
        print(f"  {number}. {step}")
    if check.peers:
        print()
        print("Equivalent rules in other tools: " + ", ".join(check.peers))
    if check.references:
        print()
        print("References:")
        for ref in check.references:
            print(f"  - {ref}")
    return EXIT_OK
