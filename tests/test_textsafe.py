"""Repository and user strings are made inert before they reach a terminal or a report."""

import pytest

from auditui.checks.textsafe import has_control, inert, one_line


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("plain text [bold]x[/]", "plain text [bold]x[/]"),  # markup is the renderer's job, not ours
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # clear screen
        ("t\x1b]0;owned\x07", "t\\x1b]0;owned\\x07"),  # OSC window title, BEL
        ("\x9b2J", "\\x9b2J"),  # C1 CSI
        ("x\ry", "x\\ry"),  # carriage return overwrites the line
        ("a\u202eb", "a\\u202eb"),  # bidi override
        ("a\u2028b", "a\\u2028b"),  # line separator
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        ("é ü 日本", "é ü 日本"),  # ordinary non-ASCII text is untouched
        (None, ""),
    ],
)
def test_inert(raw, shown):
    assert inert(raw) == shown


def test_one_line_escapes_line_breaks_and_tabs():
    assert one_line("name\nssh-rsa AAAA\tx") == "name\\nssh-rsa AAAA\\tx"
    assert "\n" not in one_line("a\r\nb")


def test_has_control():
    assert has_control("a\x1bb") and not has_control("ordinary\ttext\n")


def test_large_input_is_linear():
    text = ("\x1b" * 50_000) + ("a" * 50_000)
    assert len(inert(text)) == 50_000 * 4 + 50_000
