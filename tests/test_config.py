"""Configuration files: loading, precedence, validation errors, and the engine honouring them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from auditui.checks import configfile
from auditui.checks.api import Category, Check, Finding, Pos, Severity
from auditui.checks.config import Config
from auditui.checks.configfile import ConfigError
from auditui.checks.engine import Engine
from auditui.checks.facts import RepoIndex
from auditui.cli import main

from helpers import POD, write


def test_no_configuration_gives_defaults(tmp_path):
    config = configfile.load(tmp_path)
    assert config == Config(origins={})
    assert config.source is None and config.fail_on == Severity.HIGH


def test_pyproject_table_is_read_and_normalised(tmp_path):
    write(tmp_path, "pyproject.toml", """
        [project]
        name = "x"

        [tool.auditui]
        select = ["k8s020", "docker-socket-mount", "runtime-hardening"]
        ignore = ["AUD003"]
        exclude = ["vendor-charts/", "*.generated.yaml"]
        fail-on = "medium"

        [tool.auditui.severity]
        image-pull-policy-never = "critical"

        [tool.auditui.per-path-ignores]
        "charts/**" = ["K8S020", "*"]
    """)
    config = configfile.load(tmp_path)
    assert config.select == ("K8S020", "CMP001", "runtime-hardening")
    assert config.ignore == ("AUD003",)
    assert config.exclude == ("vendor-charts/", "*.generated.yaml")
    assert config.fail_on == Severity.MEDIUM
    assert config.severity == {"K8S020": Severity.CRITICAL}
    assert config.per_path_ignores == {"charts/**": ("K8S020", "*")}
    assert config.origin("fail-on") == "pyproject.toml [tool.auditui]"
    assert config.source == "pyproject.toml [tool.auditui]"


def test_pyproject_without_auditui_table_is_not_a_source(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert configfile.load(tmp_path).source is None


def test_own_file_wins_key_by_key_and_tables_merge(tmp_path):
    write(tmp_path, "pyproject.toml", """
        [tool.auditui]
        fail-on = "low"
        ignore = ["K8S004"]
        [tool.auditui.severity]
        K8S020 = "low"
        K8S004 = "info"
    """)
    write(tmp_path, ".auditui/config.toml", """
        fail-on = "critical"
        [severity]
        K8S020 = "medium"
    """)
    config = configfile.load(tmp_path)
    assert config.fail_on == Severity.CRITICAL
    assert config.ignore == ("K8S004",)  # only pyproject sets it
    assert config.severity == {"K8S020": Severity.MEDIUM, "K8S004": Severity.INFO}
    assert config.origin("fail-on") == ".auditui/config.toml"
    assert config.origin("ignore") == "pyproject.toml [tool.auditui]"
    assert config.origin("severity.K8S004") == "pyproject.toml [tool.auditui]"
    assert config.source == "pyproject.toml [tool.auditui], .auditui/config.toml"


def test_command_line_wins_over_files(tmp_path):
    write(tmp_path, ".auditui/config.toml", 'fail-on = "low"\nselect = ["K8S020"]\n')
    config = configfile.override(configfile.load(tmp_path), select=("docker-socket-mount",), fail_on=None)
    assert config.select == ("CMP001",) and config.fail_on is None
    assert config.origin("select") == config.origin("fail-on") == "command line"
    unchanged = configfile.override(configfile.load(tmp_path))
    assert unchanged.select == ("K8S020",) and unchanged.fail_on == Severity.LOW


@pytest.mark.parametrize(("rel", "text", "expected"), [
    (".auditui/config.toml", "selcet = ['K8S020']\n", ".auditui/config.toml: unknown key 'selcet' (did you mean 'select'?)"),
    ("pyproject.toml", "[tool.auditui]\nfail_on = 'high'\n", "pyproject.toml: unknown key 'tool.auditui.fail_on' (did you mean 'fail-on'?)"),
    (".auditui/config.toml", "select = ['K8S999']\n", ".auditui/config.toml: 'select': unknown check or category 'K8S999'"),
    (".auditui/config.toml", "ignore = 'K8S020'\nselect = [1]\n", ".auditui/config.toml: 'select' must be a list of strings, not a list"),
    (".auditui/config.toml", "[severity]\nK8S999 = 'low'\n", ".auditui/config.toml: 'severity.K8S999': unknown check 'K8S999'"),
    (".auditui/config.toml", "[severity]\nK8S020 = 'urgent'\n", ".auditui/config.toml: 'severity.K8S020': unknown severity 'urgent'"),
    (".auditui/config.toml", "fail-on = 'sometimes'\n", ".auditui/config.toml: 'fail-on': unknown severity 'sometimes'"),
    (".auditui/config.toml", "fail-on = 3\n", ".auditui/config.toml: 'fail-on' must be a string, not an integer"),
    (".auditui/config.toml", "[per-path-ignores]\n'charts/**' = ['nope']\n", """.auditui/config.toml: 'per-path-ignores."charts/**"': unknown check or category 'nope'"""),
    (".auditui/config.toml", "[options.K8S020]\ncolour = 'red'\n", ".auditui/config.toml: 'options.K8S020.colour': K8S020 has no option 'colour'"),
    (".auditui/config.toml", "[options.NOPE1]\nx = 1\n", ".auditui/config.toml: 'options.NOPE1': unknown check 'NOPE1'"),
    (".auditui/config.toml", "severity = 'high'\n", ".auditui/config.toml: 'severity' must be a table, not a string"),
    (".auditui/config.toml", "select = [\n", ".auditui/config.toml: invalid TOML"),
    ("pyproject.toml", "[tool]\nauditui = 1\n", "pyproject.toml: 'tool.auditui' must be a table"),
])
def test_mistakes_are_errors_naming_file_and_key(tmp_path, rel, text, expected):
    write(tmp_path, rel, text)
    with pytest.raises(ConfigError) as info:
        configfile.load(tmp_path)
    assert str(info.value).startswith(expected), str(info.value)
    assert "\n" not in str(info.value)


def test_not_utf8_is_an_error(tmp_path):
    (tmp_path / ".auditui").mkdir()
    (tmp_path / ".auditui" / "config.toml").write_bytes(b"select = ['\xff']\n")
    with pytest.raises(ConfigError, match=r"^\.auditui/config\.toml: not valid UTF-8$"):
        configfile.load(tmp_path)


# -- check options -----------------------------------------------------------------------
OPTIONED = Check(
    code="REPO903", name="db-images", title="Database image", severity=Severity.HIGH,
    category=Category.DATABASE_HA, rationale="test double", remediation=("x",),
    options={"images": ["postgres"], "max": 3, "strict": False},
)


@OPTIONED.on_repo
def _optioned(index: RepoIndex, ctx) -> Iterator[Finding]:
    for image in ctx.option("images"):
        yield OPTIONED.finding(message=f"database {image} (max {ctx.option('max')})", symbol=(image,))


def test_options_are_validated_against_the_declared_defaults(tmp_path):
    write(tmp_path, ".auditui/config.toml", "[options.db-images]\nimages = ['postgres', 'clickhouse']\nmax = 5\n")
    config = configfile.load(tmp_path, checks=[OPTIONED])
    assert config.options == {"REPO903": {"images": ["postgres", "clickhouse"], "max": 5}}
    engine = Engine(tmp_path, config, checks=[OPTIONED])
    engine.scan()
    assert sorted(f.message for f in engine.findings) == ["database clickhouse (max 5)", "database postgres (max 5)"]
    for bad, message in [("images = 'postgres'", "must be a list of strings, not a string"),
                         ("images = [1]", "must be a list of strings, not a list"),
                         ("max = '5'", "must be an integer, not a string"),
                         ("strict = 1", "must be a boolean, not an integer")]:
        write(tmp_path, ".auditui/config.toml", f"[options.REPO903]\n{bad}\n")
        with pytest.raises(ConfigError, match=f"^.auditui/config.toml: 'options.REPO903.{bad.split()[0]}' {message}$"):
            configfile.load(tmp_path, checks=[OPTIONED])


def test_real_check_options_are_listed_and_settable(tmp_path):
    from auditui.checks import registry

    with_options = [c for c in registry.ALL_CHECKS if c.options]
    if not with_options:
        pytest.skip("no check in the catalog declares options yet")
    check = with_options[0]
    name, default = next(iter(check.options.items()))
    rows = {key: (value, origin) for key, value, origin in configfile.describe(configfile.load(tmp_path))}
    assert rows[f"options.{check.code}.{name}"] == (default, "default")


# -- the engine honours the configuration -----------------------------------------------------
def test_engine_honours_severity_exclude_select_and_per_path_ignores(tmp_path):
    write(tmp_path, "k8s/pod.yaml", POD)
    write(tmp_path, "charts/redis/pod.yaml", POD)
    write(tmp_path, "generated/pod.yaml", POD)
    write(tmp_path, ".auditui/config.toml", """
        select = ["K8S020"]
        exclude = ["generated/"]
        [severity]
        K8S020 = "critical"
        [per-path-ignores]
        "charts/**" = ["image-pull-policy-never"]
    """)
    engine = Engine(tmp_path, configfile.load(tmp_path))
    engine.scan()
    got = {(f.code, f.path, f.severity.label, f.suppressed_by) for f in engine.findings}
    assert got == {
        ("K8S020", "k8s/pod.yaml", "critical", None),
        ("K8S020", "charts/redis/pod.yaml", "critical", 'per-path-ignores "charts/**" in .auditui/config.toml'),
    }


def test_rendered_configuration_round_trips(tmp_path):
    write(tmp_path, "pyproject.toml", """
        [tool.auditui]
        ignore = ["K8S004", "supply-chain"]
        fail-on = "none"
        [tool.auditui.severity]
        K8S020 = "low"
        [tool.auditui.per-path-ignores]
        "charts/**" = ["*"]
    """)
    config = configfile.load(tmp_path)
    text = configfile.render(config, str(tmp_path))
    assert 'fail-on = "none"  # pyproject.toml [tool.auditui]' in text
    assert 'select = []  # default' in text
    other = tmp_path / "copy"
    write(other, ".auditui/config.toml", text)
    again = configfile.load(other)
    assert (again.ignore, again.fail_on, again.severity, again.per_path_ignores) == (
        config.ignore, config.fail_on, config.severity, config.per_path_ignores)


# -- the command line ----------------------------------------------------------------------
def test_cli_config_error_is_one_line_exit_2(tmp_path, capsys):
    write(tmp_path, "k8s/pod.yaml", POD)
    write(tmp_path, ".auditui/config.toml", "fail-on = 'sometimes'\n")
    for command in (["scan", str(tmp_path)], ["config", str(tmp_path)], ["report", str(tmp_path)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("auditui: error: .auditui/config.toml: 'fail-on'"), err


def test_cli_flags_override_file_fail_on(tmp_path, capsys):
    write(tmp_path, "k8s/pod.yaml", POD)  # K8S020 is high
    write(tmp_path, ".auditui/config.toml", "fail-on = 'critical'\n")
    assert main(["scan", str(tmp_path), "--select", "K8S020"]) == 0
    assert main(["scan", str(tmp_path), "--select", "K8S020", "--fail-on", "high"]) == 1
    write(tmp_path, ".auditui/config.toml", "fail-on = 'low'\n")
    assert main(["scan", str(tmp_path), "--select", "K8S020"]) == 1
    assert main(["scan", str(tmp_path), "--select", "K8S020", "--fail-on", "none"]) == 0
    capsys.readouterr()


def test_cli_explicit_config_file(tmp_path, capsys):
    write(tmp_path, "k8s/pod.yaml", POD)
    alt = write(tmp_path, "ci/auditui.toml", "ignore = ['K8S020']\n")
    assert main(["config", str(tmp_path), "--config", str(alt)]) == 0
    out = capsys.readouterr().out
    assert f'ignore = ["K8S020"]  # {alt}' in out
    assert main(["config", str(tmp_path), "--config", str(tmp_path / "missing.toml")]) == 2
    assert "no such configuration file" in capsys.readouterr().err
