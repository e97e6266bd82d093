"""Colours and small text builders shared by the widgets.

Severity colours come from the running theme (``App.current_theme``) so every
built-in theme, light or dark, keeps them readable.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.color import ColorParseError
from rich.text import Text
from textual.color import Color as TextualColor

from ..checks.api import SECRET_MASK, Finding, Severity
from ..checks.textsafe import inert, one_line

SEVERITY_SHORT = {
    Severity.CRITICAL: "CRIT",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MED",
    Severity.LOW: "LOW",
    Severity.INFO: "INFO",
}

STATUS_ICON = {
    "open": "open",
    "accepted": "accepted",
    "deferred": "deferred",
    "suppressed": "suppressed",
}


def theme_colour(theme, name: str, default: str) -> str:
    """A colour of a Textual theme, written so that Rich can read it in a style string.

    Textual's ANSI themes (``ansi-dark``, ``ansi-light``) name colours ``ansi_red``,
    ``ansi_bright_red``: Rich calls them ``red``, ``bright_red`` (and raised ``MissingStyle``
    on the next row drawn, ending the app).  Anything else Rich cannot read becomes the hex
    value Textual gives it, else ``default``.
    """
    value = str(getattr(theme, name, None) or default)
    for candidate in (value, value.removeprefix("ansi_")):
        try:
            RichColor.parse(candidate)
        except ColorParseError:
            continue
        return candidate
    try:
        return TextualColor.parse(value).hex
    except Exception:  # noqa: BLE001 - any colour Textual cannot read either
        return default


def severity_styles(theme) -> dict[Severity, str]:
    """Rich styles per severity, taken from a Textual theme (or sane defaults)."""
    error = theme_colour(theme, "error", "red")
    warning = theme_colour(theme, "warning", "yellow")
    primary = theme_colour(theme, "primary", "blue")
    # four looks that differ without colour too: reversed, bold, plain, dim (and the labels
    # CRIT / HIGH / MED / LOW / INFO); LOW takes the primary colour, never the accent, which
    # several themes share with warning
    return {
        Severity.CRITICAL: f"bold reverse {error}",
        Severity.HIGH: f"bold {error}",
        Severity.MEDIUM: f"{warning}",
        Severity.LOW: f"{primary}",
        Severity.INFO: "dim",
    }


def data_text(value: object, style: str = "", *, multiline: bool = False, **kwargs) -> Text:
    """Text of a string that came from the repository or a user: never markup, never control codes.

    Every widget builds such strings with this (or ``Text.append(one_line(...))``); none of
    them is ever passed where Textual or Rich would read it as markup (``Label("...")``,
    ``Static("...")``, ``notify("...")``, ``Table.add_row("...")``, tree labels).
    """
    return Text((inert if multiline else one_line)(value), style=style, **kwargs)


def severity_text(severity: Severity, styles: dict[Severity, str]) -> Text:
    return Text(f" {SEVERITY_SHORT[severity]:<4} ", style=styles[severity], no_wrap=True, end="")


def status_style(status: str) -> str:
    return {"open": "", "accepted": "dim italic", "deferred": "dim", "suppressed": "dim strike"}.get(status, "")


def is_redacted(finding: Finding) -> bool:
    """True when the finding's evidence hides a secret: its raw lines must not be shown."""
    return bool(finding.evidence) and SECRET_MASK in (finding.evidence or "")
