"""Keys typed right after ``q`` (type-ahead, a paste) open nothing: the app exits cleanly."""

from __future__ import annotations

import pytest
from textual import events
from tui_helpers import scanned


@pytest.mark.parametrize("key,character", [("c", "c"), ("f", "f"), ("i", "i"), ("R", "R"),
                                           ("question_mark", "?"), ("e", "e")])
async def test_a_key_typed_right_after_quit_opens_no_screen(make_app, key, character):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot)
        # both keys arrive in one read of the terminal, as when "qc" is typed fast or pasted
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(key, character))
        await pilot.pause()
    assert app.return_code == 0
