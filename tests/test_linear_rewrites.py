"""Matchers rewritten to run in linear time answer exactly as the patterns they replaced.

Each old pattern (kept here, not in ``auditui.checks``, so the ReDoS suite does not probe it)
rescanned the rest of its input at every start position; its replacement is compared with
it on seeded random strings built from the words and separators that matter to it.
"""

from __future__ import annotations

import random
import re

import pytest
from helpers import assert_linear

from auditui.checks.classify import is_dockerfile_name
from auditui.checks.helm.shared import names_a_secret
from auditui.checks.models import secrets
from auditui.checks.models.helm import is_values_name
from auditui.checks.models.shell_ops import publishes_package
from auditui.checks.models.source import _BLANKS, _FALLBACK_OP
from auditui.checks.models.users import _DROP_RE
from auditui.checks.models.vendored import split_chart_version
from auditui.checks.shell.ssh_host_key_checking_disabled import _DISABLED_RE

CASES = 20_000


def _strings(seed: int, pieces: list[str], most: int = 8):
    rnd = random.Random(seed)
    for _ in range(CASES):
        yield "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, most)))


def _differences(seed, pieces, old, new, most=8):
    return [text for text in _strings(seed, pieces, most) if old(text) != new(text)][:5]


def test_dockerfile_names():
    old = re.compile(r"^(Dockerfile|Containerfile)([.-].+)?$|.+\.(dockerfile|containerfile)$", re.IGNORECASE)
    pieces = ["Dockerfile", "dockerfile", "CONTAINERFILE", ".", "-", "a", "/", "\n", " ", "dev"]
    assert _differences(1, pieces, lambda t: bool(old.match(t.rsplit("/", 1)[-1])), is_dockerfile_name) == []
    assert is_dockerfile_name("api/Dockerfile.dev") and is_dockerfile_name("x/app.dockerfile")
    assert not is_dockerfile_name("Dockerfile.") and not is_dockerfile_name("Dockerfiles")


def test_values_names():
    old = re.compile(r"^(?:.*[._-])?values(?:[._-].*)?\.ya?ml$", re.IGNORECASE)

    def before(rel):
        name = rel.rsplit("/", 1)[-1]
        return bool(old.match(name)) and not name.lower().startswith("values.schema")

    pieces = ["values", "VALUES", ".yaml", ".yml", ".", "-", "_", "prod", "schema", "/", "\n", "x"]
    assert _differences(2, pieces, before, is_values_name) == []
    assert is_values_name("chart/values-prod.yaml") and not is_values_name("values.schema.json")


def test_names_of_secrets():
    old = re.compile(r"^existing|(?:secret|key)?(?:name|ref)s?$|keyname$|secretkey(?:ref|name)$|^(?:use|create|generate)",
                     re.IGNORECASE)
    pieces = ["existing", "Secret", "name", "Ref", "s", "key", "use", "create", "generate", "x", "\n"]
    assert _differences(3, pieces, lambda t: bool(old.search(t[:200])), names_a_secret) == []


def test_fallback_after_a_read():
    old = re.compile(r"\s*(\|\||\?\?|\bor\b|\?:|\.unwrap_or|\.or_else|\|\|=)")
    pieces = [" ", "\t", "\n", "|", "?", ":", "or", "o", ".unwrap_or", ".or_else", "x", "=", "("]
    rnd = random.Random(4)

    def both(text):
        pos = rnd.randint(0, len(text))
        return bool(old.match(text, pos)), _FALLBACK_OP.match(text, _BLANKS.match(text, pos).end()) is not None

    assert [t for t in _strings(4, pieces) if len(set(both(t))) > 1][:5] == []


def test_privilege_drops():
    old = re.compile(r"(?<![\w./-])(?P<lead>exec\s+|set\s+--\s+)?(?:\S*/)?"
                     r"(?P<tool>gosu|su-exec|s6-setuidgid|s6-applyuidgid|setpriv|chroot|runuser|chpst|su)"
                     r"(?P<args>(?:\s+[^\s;&|]+)+)")
    pieces = [" ", "\t", "/", "exec ", "set -- ", "gosu", "su", "su-exec", "chpst", "x", "-", ".", "=", ";", "usr/", '"']

    def groups(pattern):
        return lambda text: [(m.span(), m.groupdict()) for m in pattern.finditer(text)]

    assert _differences(5, pieces, groups(old), groups(_DROP_RE), most=10) == []


def test_chart_versions():
    old = re.compile(r"^(?P<name>.+?)-v?(?P<version>\d[\w.+-]*)$")
    pieces = ["-", "v", "1", "a", ".", "+", "_", " ", "\n", "\u0663", "cert-manager", "-v1.14.4"]

    def before(text):
        match = old.match(text)
        return (match.group("name"), match.group("version")) if match else None

    assert _differences(6, pieces, before, split_chart_version) == []
    assert split_chart_version("cert-manager-v1.14.4") == ("cert-manager", "1.14.4")


def test_publish_commands():
    old = re.compile(r"\b(?:twine\s+upload|(?:npm|yarn|pnpm)\s+publish|cargo\s+publish|gem\s+push|poetry\s+publish|"
                     r"uv\s+publish|hatch\s+publish|flit\s+publish|dotnet\s+nuget\s+push|mvn\s+(?:\S+\s+)*deploy|"
                     r"gradle\w*\s+publish|gh\s+release\s+(?:create|upload))\b")
    pieces = [" ", "\n", "mvn", "deploy", "deploys", "-B", "x", "amvn", "npm", " publish", "gradlew", "_", "/"]
    assert _differences(7, pieces, lambda t: bool(old.search(t)), publishes_package) == []


@pytest.mark.parametrize("seed", [8, 9])
def test_the_union_of_token_formats(seed):
    old = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in secrets.KNOWN_TOKENS))
    pieces = ["AKIAZ3MBQ7VRT5NKP2XD", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE", "hv.", "hvs." + "a" * 26,
              "hooks.slack.com/services/T0123456/B0123456/" + "a" * 24, "hf_" + "a" * 34, "dckr_pat_" + "a" * 20,
              "discord.com/api/webhooks/12345/" + "a" * 40, "dop_v1_" + "a" * 64, "-----BEGIN RSA PRIVATE KEY-----",
              "sk-" + "a" * 32, "12345678:AA" + "c" * 33, "x", "_", " ", "-", "=", "SK" + "0" * 32, "AIza" + "d" * 35]

    def spans(pattern):
        return lambda text: [m.span() for m in pattern.finditer(text)]

    assert _differences(seed, pieces, spans(old), spans(secrets.ANY_TOKEN), most=5) == []


def test_ssh_host_key_checking_switches():
    old = re.compile(r"StrictHostKeyChecking\s*[= ]\s*(no|off|false)\b|UserKnownHostsFile\s*[= ]\s*/dev/null",
                     re.IGNORECASE)
    pieces = ["StrictHostKeyChecking", "stricthostkeychecking", "UserKnownHostsFile", " ", "\t", "\n", "=", "no",
              "NO", "off", "false", "nothing", "/dev/null", "/dev/nullx", "x", "_", "-o ", "\u00a0"]

    def found(pattern):
        return lambda text: [(m.span(), m.groups()) for m in pattern.finditer(text)]

    assert _differences(10, pieces, found(old), found(_DISABLED_RE), most=10) == []
    assert _DISABLED_RE.search("-o StrictHostKeyChecking = no").group(1) == "no"
    assert not _DISABLED_RE.search("StrictHostKeyChecking\tno")   # a tab alone is not a separator
    assert_linear(_DISABLED_RE.search, lambda n: "StrictHostKeyChecking" + " " * n + "x", 20_000, "blanks")


def test_the_growth_check_tells_quadratic_from_linear():
    quadratic = re.compile(r"\s*x")  # rescans every run of blanks from each of its characters
    assert_linear(lambda text: quadratic.search(text.replace(" ", "y")), lambda n: " " * n + "!", 5_000, "linear")
    # the quadratic case is plain Python, not a regex: a newer regex engine may optimise the
    # pattern above, and a fast machine can finish it under the growth floor (CI did)
    def pairs(text):
        return sum(1 for i in range(len(text)) for _ in range(i))

    with pytest.raises(AssertionError, match="worse than linear"):
        assert_linear(pairs, lambda n: " " * n, 1_000, "quadratic")
