"""The ``auditui`` command line.

``auditui [PATH]`` opens the interactive app; ``auditui scan`` runs headless for CI;
``auditui checks`` and ``auditui explain`` describe the catalog.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from .checks import registry
from .checks.api import Finding, Severity
from .checks.engine import Engine
from .checks.version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "markdown")
SUBCOMMANDS = ("scan", "checks", "explain", "tui")


class UsageError(Exception):
    """A mistake in what the user typed: one line, exit 2."""


def _codes(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail_on(value: str) -> Severity | None:
    if value.lower() == "none":
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
        "--fail-on", type=_fail_on, default="high", metavar="LEVEL",
        help="exit 1 when an open finding is at or above LEVEL: critical|high|medium|low|none (default: high)",
    )
    scan.add_argument("--select", type=_codes, default=(), metavar="CODES", help="only these checks (codes, names or categories, comma-separated)")
    scan.add_argument("--ignore", type=_codes, default=(), metavar="CODES", help="skip these checks")
    scan.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    sub.add_parser("checks", help="list every check in the catalog")

    explain = sub.add_parser("explain", help="explain one check: rationale, remediation, references")
    explain.add_argument("check", metavar="CODE|NAME")
    return parser


def _add_tui_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="repository to audit (default: .)")
    parser.add_argument("--state", metavar="FILE", help="triage state file (default: PATH/.auditui/state.toml)")
    parser.add_argument("--no-watch", action="store_true", help="do not watch the repository for changes")


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
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse already printed the message
        return EXIT_ERROR if exc.code else EXIT_OK
    try:
        if args.command == "scan":
            return cmd_scan(args)
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


def cmd_tui(args: argparse.Namespace) -> int:
    root = _root(args.path)
    from .app import AuditApp  # Textual is imported only for the interactive app

    app = AuditApp(root, state_path=args.state, watch=not args.no_watch)
    app.run()
    return app.return_code or 0


def _progress(enabled: bool):
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.console import Console

    progress = Progress(
        TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )
    task = progress.add_task("scan", total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


def cmd_scan(args: argparse.Namespace) -> int:
    root = _root(args.path)
    from .checks.config import Config

    for code in (*args.select, *args.ignore):
        if registry.lookup(code) is None and code.lower() not in {c.category.value for c in registry.ALL_CHECKS}:
            raise UsageError(f"unknown check or category: {code!r} (see 'auditui checks')")
    config = Config(select=args.select, ignore=args.ignore, fail_on=args.fail_on)
    engine = Engine(root, config)
    show_progress = not args.no_progress and sys.stderr.isatty()
    progress, update = _progress(show_progress)
    start = time.perf_counter()
    if progress is not None:
        with progress:
            engine.scan(progress=update)
    else:
        engine.scan()
    elapsed = time.perf_counter() - start
    result = audit_result(engine, str(args.path))
    output = render(args.format, result, elapsed, to_tty=args.output is None and sys.stdout.isatty())
    if args.output:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(output)
    return exit_code(result, config.fail_on)


def audit_result(engine: Engine, root_label: str):
    from .checks.report import AuditResult

    return AuditResult(
        root=root_label,
        findings=engine.findings,
        notices=engine.all_notices(),
        summary=engine.summary(),
    )


def exit_code(result, fail_on: Severity | None) -> int:
    if fail_on is None:
        return EXIT_OK
    for finding in result.findings:
        if finding.severity >= fail_on and result.status_of(finding) == "open":
            return EXIT_FINDINGS
    return EXIT_OK


def render(fmt: str, result, elapsed: float, to_tty: bool = False) -> str:
    if fmt == "json":
        from .checks.report import json_report

        return json_report.render(result)
    if fmt == "sarif":
        from .checks.report import sarif

        return sarif.render(result)
    if fmt == "markdown":
        from .checks.report import markdown

        return markdown.render(result)
    return render_text(result, elapsed, to_tty)


_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render_text(result, elapsed: float, to_tty: bool) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=to_tty, no_color=not to_tty, width=120 if not to_tty else None,
                      highlight=False, soft_wrap=True)
    by_severity: dict[Severity, list[Finding]] = {}
    for finding in result.findings:
        by_severity.setdefault(finding.severity, []).append(finding)
    for severity in reversed(Severity):
        items = by_severity.get(severity)
        if not items:
            continue
        console.print(Text(f"{severity.label.upper()} ({len(items)})", style=_STYLE[severity]))
        for f in items:
            status = result.status_of(f)
            line = Text("  ")
            line.append(f"{f.code} ", style="bold")
            line.append(f"{f.location}  ", style="cyan" if to_tty else "")
            line.append(f.message)
            if status != "open":
                line.append(f"  [{status}]", style="dim")
            console.print(line)
            if f.evidence:
                console.print(Text(f"      {f.evidence}", style="dim"))
        console.print()
    for notice in result.notices:
        console.print(Text(f"note: {notice.path}: {notice.message}", style="dim"))
    counts = {s: len(by_severity.get(s, [])) for s in reversed(Severity)}
    total = sum(counts.values())
    parts = ", ".join(f"{n} {s.label}" for s, n in counts.items() if n)
    files = result.summary.get("files", 0)
    console.print(
        f"{total} finding{'s' if total != 1 else ''}" + (f" ({parts})" if parts else "")
        + f" in {files} file{'s' if files != 1 else ''}, {elapsed:.2f}s"
    )
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
