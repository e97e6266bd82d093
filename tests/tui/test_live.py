"""The live loop with the real watcher: save a file, the pane follows."""

from __future__ import annotations

from tui_helpers import row_strip, scanned, wait_for


def codes(app) -> list[str]:
    return sorted(app.findings[fp].code for fp in app.findings_screen.table.visible_fingerprints)


async def test_file_edit_updates_the_pane_in_place(make_app, repo):
    app = make_app(watch=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await wait_for(pilot, lambda: app.watching, what="the watcher to start")
        assert codes(app) == ["K8S020", "TUI001", "TUI002", "TUI002", "TUI003"]
        # keep the cursor on the password finding while the k8s file changes
        password = next(fp for fp, f in app.findings.items() if f.code == "TUI001")
        app.findings_screen.table.select_fingerprint(password)
        manifest = repo / "k8s" / "api.yaml"
        manifest.write_text(manifest.read_text().replace("imagePullPolicy: Never", "imagePullPolicy: IfNotPresent"))
        await wait_for(pilot, lambda: "K8S020" not in codes(app), timeout=10, what="K8S020 to resolve")
        assert codes(app) == ["TUI001", "TUI002", "TUI002", "TUI003"]
        assert app.findings_screen.selected.fingerprint == password
        assert any("1 resolved in k8s/api.yaml" in str(n.message) for n in app._notifications)
        # a new problem appears, marked new until viewed
        compose = repo / "docker-compose.yml"
        compose.write_text(compose.read_text().replace("image: nginx:latest", "image: nginx:1.27").replace(
            "POSTGRES_USER: shop", "POSTGRES_USER: shop\n      ADMIN_PASSWORD: anothersecret99"))
        await wait_for(pilot, lambda: codes(app).count("TUI001") == 2, timeout=10, what="the new finding")
        assert codes(app) == ["TUI001", "TUI001", "TUI002", "TUI003"]
        new = [fp for fp in app.new]
        assert len(new) == 1 and app.findings[new[0]].resource == "service/db"
        assert row_strip(app, new[0]).text[1] == "●"
        app.findings_screen.table.select_fingerprint(new[0])
        await pilot.pause()
        assert not app.new


async def test_burst_of_changes_is_coalesced(make_app, repo):
    app = make_app(watch=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await wait_for(pilot, lambda: app.watching, what="the watcher to start")
        before = app.updates_applied
        # a checkout-like burst: 300 new manifests written at once
        many = repo / "k8s" / "many"
        many.mkdir()
        body = (repo / "k8s" / "api.yaml").read_text()
        for number in range(300):
            (many / f"api-{number}.yaml").write_text(body.replace("name: api\n  namespace", f"name: api{number}\n  namespace"))
        await wait_for(pilot, lambda: sum(1 for f in app.findings.values() if f.code == "K8S020") == 301,
                       timeout=20, what="all 300 files to be audited")
        # one or two updates, not hundreds
        assert app.updates_applied - before <= 3


async def test_watcher_falls_back_to_polling_when_inotify_fails(make_app, repo, monkeypatch):
    import watchfiles

    real_awatch = watchfiles.awatch
    calls = []

    def flaky_awatch(*args, **kwargs):
        calls.append(kwargs.get("force_polling"))
        if not kwargs.get("force_polling"):
            raise OSError("OS file watch limit reached")
        kwargs["poll_delay_ms"] = 50
        return real_awatch(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "awatch", flaky_awatch)
    app = make_app(watch=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await wait_for(pilot, lambda: calls == [False, True], what="the fallback to polling")
        assert any("polling" in str(n.message) for n in app._notifications)
        await pilot.pause(0.3)
        manifest = repo / "k8s" / "api.yaml"
        manifest.write_text(manifest.read_text().replace("imagePullPolicy: Never", "imagePullPolicy: IfNotPresent"))
        await wait_for(pilot, lambda: "K8S020" not in codes(app), timeout=10, what="the polled change")


async def test_cursor_moves_and_saves_rebuild_the_footer_only_when_a_key_changes(make_app, repo):
    """The footer rebuilds every key widget it shows on ``refresh_bindings`` (a layout pass of
    the whole screen); a save or a cursor move that turns no key on or off must not ask it to,
    and a status label whose text did not change is not updated."""
    from textual.widgets import Label

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        screen = app.findings_screen
        footer_keys = lambda: list(screen.query("Footer FooterKey"))  # noqa: E731
        updates: list[str] = []
        for label in screen.query("#status Label").results(Label):
            real = label.update

            def counted(*args, _real=real, _id=label.id, **kwargs):
                updates.append(_id)
                return _real(*args, **kwargs)

            label.update = counted  # type: ignore[method-assign]
        keys = footer_keys()
        assert "undo" not in [k.action for k in keys]
        await pilot.press("j")  # another open finding: the same keys
        await pilot.pause()
        assert footer_keys() == keys and all(a is b for a, b in zip(footer_keys(), keys))
        # a save that changes a finding elsewhere: its row is redrawn, the keys and labels stay
        compose = repo / "docker-compose.yml"
        compose.write_text("# a comment\n" + compose.read_text())
        before = app.updates_applied
        app._pending.add(str(compose))
        app._kick()
        await wait_for(pilot, lambda: app.updates_applied > before and not app._busy, what="the update")
        await pilot.pause()
        assert all(a is b for a, b in zip(footer_keys(), keys)), "the footer was rebuilt"
        assert updates == [], updates
        # a triage change turns `u` (undo) on: now the footer is rebuilt, and shows it
        assert app.triage("accept", screen.selected, reason="known")
        await pilot.pause()
        assert not any(a is b for a, b in zip(footer_keys(), keys))
        assert "undo" in [k.action for k in footer_keys()]
