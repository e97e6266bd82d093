"""A text box that never holds control characters.

A pasted note or reason can carry terminal escapes (``ESC[2J``) or bidi overrides; the
box drops them as they arrive, so they are neither drawn nor saved in the state file.
"""

from __future__ import annotations

import re

from textual.widgets import Input

#: what :func:`auditui.checks.textsafe.inert` would escape, newlines and tabs included
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")


def strip_control(text: str) -> str:
    """``text`` without control, line-breaking or invisible reordering characters."""
    return _CONTROL.sub("", text)


class TextInput(Input):
    """An ``Input`` whose value is always printable (control characters are dropped)."""

    def on_input_changed(self, event: Input.Changed) -> None:
        clean = strip_control(event.value)
        if clean != event.value:
            event.stop()
            cursor = self.cursor_position
            self.value = clean  # posts a new Changed with the clean value
            self.cursor_position = min(cursor, len(clean))
