"""The shell model: logical lines, comments, heredocs, nested commands, options, facts."""

from __future__ import annotations

import random

from auditui.checks.models.shell import parse, parse_script, script_facts


def _texts(script):
    return [(c.line, c.end_line, c.via, c.text) for c in script.commands]


def test_continuations_comments_and_quotes_make_logical_lines():
    script = parse_script("x.sh", (
        "#!/bin/bash\n"
        "echo \"a # not a comment\" # a comment\n"
        "docker run \\\n"
        "  --rm img  # trailing\n"
        "x=${#arr}; echo $#\n"
        "echo 'multi\n"
        "line'\n"
        "curl -fsS https://x |\n"
        "  sh\n"
    ))
    assert _texts(script) == [
        (2, 2, "", 'echo "a # not a comment"'),
        (3, 4, "", "docker run --rm img"),
        (5, 5, "", "x=${#arr}; echo $#"),
        (6, 7, "", "echo 'multi line'"),
        (8, 9, "", "curl -fsS https://x | sh"),
    ]
    pipe = script.commands[-1]
    assert [(s.op, s.name) for s in pipe.segments] == [("", "curl"), ("|", "sh")]


def test_heredoc_bodies_are_data_unless_fed_to_a_shell():
    script = parse_script("x.sh", (
        "#!/bin/bash\n"
        "cat > notes.txt <<'EOF'\n"
        "git reset --hard\n"
        "EOF\n"
        "psql -U app <<-SQL\n"
        "\tDROP DATABASE app;\n"
        "\tSQL\n"
        "ssh deploy@host <<EOF\n"
        "cd /srv/app\n"
        "git pull\n"
        "EOF\n"
        "echo done\n"
    ))
    texts = _texts(script)
    assert (3, 3, "", "git reset --hard") not in texts
    assert script.commands[1].heredoc == "\tDROP DATABASE app;"
    assert script.commands[1].heredoc_line == 6
    assert (10, 10, "ssh", "git pull") in texts
    assert texts[-1] == (12, 12, "", "echo done")


def test_here_strings_quoted_and_arithmetic_shifts_start_no_heredoc():
    script = parse_script("x.sh", (
        "#!/bin/bash\n"
        "read -r -a parts <<< \"$line\"\n"
        "jq . <<<\"$json\"\n"
        "echo \"run: cat <<EOF\"\n"
        "n=$(( 1 << 3 ))\n"
        "chmod 777 /srv/x\n"
    ))
    assert [c.line for c in script.commands] == [2, 3, 4, 5, 6]
    assert all(not c.heredoc for c in script.commands)


def test_nested_command_strings_are_split_into_segments():
    script = parse_script("x.sh", "#!/bin/sh\nssh -i key deploy@host 'cd /srv && git pull && systemctl restart app'\nbash -c \"make build\"\n")
    first, second = script.commands
    assert [s.name for s in first.segments] == ["ssh", "cd", "git", "systemctl"]
    assert [s.name for s in second.segments] == ["bash", "make"]


def test_argv_strips_wrappers_keywords_and_assignments():
    script = parse_script("x.sh", "#!/bin/sh\nif ! sudo -u postgres FOO=1 pg_dump db; then exit 1; fi\nenv -i A=b timeout 5 curl x\n")
    seg = script.commands[0].segments[0]
    assert seg.name == "pg_dump" and seg.argv == ("pg_dump", "db")
    assert script.commands[1].segments[0].name == "curl"


def test_set_options_from_set_commands_and_shebang():
    assert parse_script("a.sh", "#!/bin/bash\nset -euo pipefail\n").options >= {"errexit", "nounset", "pipefail"}
    assert parse_script("b.sh", "#!/bin/bash\nset -e\nset -o pipefail\n").options >= {"errexit", "pipefail"}
    assert "errexit" in parse_script("c.sh", "#!/bin/bash -e\necho\n").options
    assert parse_script("d.sh", "#!/usr/bin/env -S bash -eu\n").options >= {"errexit", "nounset"}
    assert parse_script("e.sh", "#!/bin/bash\n# set -e\necho\n").options == frozenset()
    assert parse_script("f.sh", "#!/usr/bin/env bash\n").interpreter == "bash"


def test_guards_record_enclosing_conditions():
    script = parse_script("x.sh", "#!/bin/bash\nif [ -z \"$S\" ]; then\n  S=$(openssl rand -hex 16)\nfi\nT=1\n")
    inside = script.commands[1].segments[0]
    assert inside.guards and "-z" in inside.guards[0]
    assert script.commands[-1].segments[0].guards == ()


def test_positions_are_symbolic_and_count_repeats():
    script = parse_script("x.sh", "#!/bin/sh\nmake\n\n\nmake\n")
    assert [c.pos.ypath for c in script.commands] == [("cmd", "make", 1), ("cmd", "make", 2)]


def test_backup_offsite_retention_deploy_and_cloud_facts():
    script = parse_script("ops/backup.sh", (
        "#!/bin/bash\n"
        "pg_dump -U app app | gzip > /var/backups/app.sql.gz\n"
        "aws s3 cp /var/backups/app.sql.gz s3://bucket/\n"
        "find /var/backups -mtime +7 -delete\n"
        "aws ec2 run-instances --image-id ami-1\n"
    ))
    facts = {f.topic: f for f in script_facts(script)}
    assert facts["shell:backup"].data.local is True and facts["shell:backup"].line == 2
    assert "shell:offsite" in facts and "shell:retention" in facts
    assert facts["shell:cloud"].data.clis == ("aws",) and facts["shell:cloud"].data.mutating == ("aws",)

    streamed = script_facts(parse_script("b.sh", "#!/bin/sh\nmongodump --archive | aws s3 cp - s3://b/x\n"))
    backup = next(f for f in streamed if f.topic == "shell:backup")
    assert backup.data.streamed is True and backup.data.local is False

    deploy = script_facts(parse_script("run.sh", "#!/bin/sh\nhelm upgrade --install api ./chart\n"))
    assert any(f.topic == "shell:deploy" for f in deploy)


def test_garbage_never_raises():
    rng = random.Random(7)
    alphabet = "ab $(){}[]'\"`\\|&;<>#\n\t=-!*~EOF"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        parsed = parse("g.sh", text)
        assert parsed.kind.value == "shell"
    parse("h.sh", "cat <<EOF\nunterminated heredoc\n")
    parse("i.sh", "echo 'unterminated quote\nmore\n")
    parse("j.sh", "\x00\x01\ufeff#!/bin/bash\r\nset -e\r\n")


def test_multi_line_command_strings_split_into_commands():
    script = parse_script("deploy.sh", (
        "#!/bin/bash\n"
        "ssh host 'cd /srv/app  # go there\n"
        "  git pull\n"
        "  docker compose up -d'\n"
    ))
    names = [seg.name for seg in script.commands[0].segments]
    assert names == ["ssh", "cd", "git", "docker"]
    assert all(seg.via == "ssh" for seg in script.commands[0].segments[1:])


def test_sourcing_an_env_file_is_not_sourcing_a_library():
    assert not parse_script("d.sh", "#!/bin/bash\nsource .env\n. ./deploy.env\nsource venv/bin/activate\n").sources_files
    assert parse_script("d.sh", "#!/bin/bash\nsource \"$dir\"/common.sh\n").sources_files


def test_evidence_never_shows_a_literal_password():
    script = parse_script("backup.sh", (
        "#!/bin/bash\n"
        "mysqldump -pAdmin2018xy app > /backup/app.sql\n"
        "docker exec db mysql -uroot -pR00tPassw0rd app\n"
        "curl https://deploy:Zx81mKq2Lp0W@ci.example.com/hook\n"
    ))
    evidence = " ".join(c.evidence for c in script.commands)
    for secret in ("Admin2018xy", "R00tPassw0rd", "Zx81mKq2Lp0W"):
        assert secret not in evidence
    backup = [f for f in script_facts(script) if f.topic == "shell:backup"][0]
    assert "Admin2018xy" not in backup.data.text


def test_a_one_line_function_definition_runs_its_body_command():
    from auditui.checks.models.shell import parse_script

    script = parse_script("x.sh", "#!/bin/bash\nfunction fetch { curl -k https://example.com; }\n"
                                  "function up() {\n  chmod 777 /srv\n}\n")
    names = [seg.name for command in script.commands for seg in command.segments]
    assert "curl" in names and "chmod" in names and "function" not in names


def test_nested_quotes_in_a_substitution_do_not_hide_the_rest_of_the_script():
    # the old lexer lost its quote state here and audited nothing after it
    body = "".join(f"echo step {i}\n" for i in range(1200))
    script = parse_script("x.sh", "#!/bin/bash\nX=\"$(echo 'a\"b')\"\n" + body + "curl -fsSL https://x.example/i.sh | bash\n")
    last = script.commands[-1]
    assert last.line == 1203 and [s.name for s in last.segments] == ["curl", "bash"]
    assert script.commands[0].segments[0].words == ("X=$(echo 'a\"b')",)


def test_substitutions_and_command_strings_run_as_segments_of_their_command():
    script = parse_script("x.sh", "#!/bin/bash\nID=$(ssh -o StrictHostKeyChecking=no host cat id)\nbash <(curl -s https://x)\n")
    first, second = script.commands
    assert [(s.name, s.via) for s in first.segments] == [("", ""), ("ssh", "$("), ("cat", "ssh")]
    assert [(s.name, s.via) for s in second.segments] == [("bash", ""), ("curl", "<(")]


def test_a_substitution_that_only_reads_a_file_is_a_segment():
    script = parse_script("x.sh", '#!/bin/bash\nV=$(< VERSION)\necho "$(<b.txt)"\n')
    first, second = script.commands
    assert [(s.words, s.via) for s in first.segments] == [(("V=$(< VERSION)",), ""), (("<", "VERSION"), "$(")]
    assert [(s.words, s.via) for s in second.segments][1] == (("<b.txt",), "$(")


def test_a_redirection_after_a_substitution_belongs_to_the_outer_command():
    script = parse_script("x.sh", '#!/bin/bash\necho "v=$(cat VERSION)" >> "$OUT"\npg_dump "$(db_name)" > dump.sql\n')
    first, second = script.commands
    assert [(s.words, s.via) for s in first.segments] == [
        (("echo", "v=$(cat VERSION)", ">>", "$OUT"), ""), (("cat", "VERSION"), "$(")]
    assert [s.words for s in second.segments] == [("pg_dump", "$(db_name)", ">", "dump.sql"), ("db_name",)]


def test_a_redirection_of_a_group_reaches_each_command_it_writes_for():
    script = parse_script("x.sh", "\n".join((
        "#!/bin/bash",
        "{ pg_dump a; echo done; } > all.sql",            # both write to all.sql
        "( pg_dump b | gzip; echo x ) >> b.gz",            # pg_dump writes into the pipe, not b.gz
        "{ pg_dump c > c.sql; echo y; } 2>&1 > log",       # c.sql stays pg_dump's stdout
        "while read db; do pg_dump $db; done < dbs.txt > dbs.sql",
        "{ tar cf - /data; } | ssh backup 'cat > x.tar'",  # a pipe out of a group is no file
    )) + "\n")
    words = [[s.words for s in c.segments if not s.via] for c in script.commands]
    assert words[0] == [("pg_dump", "a", ">", "all.sql"), ("echo", "done", ">", "all.sql")]
    assert words[1] == [("pg_dump", "b"), ("gzip", ">>", "b.gz"), ("echo", "x", ">>", "b.gz")]
    assert words[2] == [("pg_dump", "c", ">", "c.sql", "2>&1"), ("echo", "y", "2>&1", ">", "log")]
    assert words[3] == [("read", "db", "<", "dbs.txt", ">", "dbs.sql"), ("pg_dump", "$db", "<", "dbs.txt", ">", "dbs.sql")]
    assert words[4][0] == ("tar", "cf", "-", "/data")


def test_segments_say_which_subshell_holds_them():
    script = parse_script("x.sh", "#!/bin/bash\n(cd web && make)\n(cd api; (ls))\nmake\n")
    first, second, third = script.commands
    web = {s.subshell for s in first.segments}
    assert len(web) == 1 and 0 not in web
    api, inner = second.segments[0].subshell, second.segments[1].subshell
    assert api not in (0, *web) and inner not in (0, api)  # the innermost subshell
    assert third.segments[0].subshell == 0


def test_heredoc_followed_by_a_pipe_keeps_its_body_out_of_the_commands():
    script = parse_script("x.sh", "#!/bin/bash\ncat <<EOF | kubectl apply -f -\nkind: ConfigMap\nEOF\nchmod 777 /x\n")
    assert [(c.line, [s.name for s in c.segments]) for c in script.commands] == [(2, ["cat", "kubectl"]), (5, ["chmod"])]
    assert script.commands[0].heredoc == "kind: ConfigMap" and script.commands[0].heredoc_line == 3


def test_functions_conditions_and_one_line_blocks():
    script = parse_script("x.sh", (
        "#!/bin/bash\n"
        "verify() {\n"
        "  sha256sum -c sums\n"
        "}\n"
        "if grep -q x f | head; then rm -rf /tmp/x; fi\n"
    ))
    assert [c.text for c in script.commands] == ["sha256sum -c sums", "if grep -q x f | head; then rm -rf /tmp/x; fi"]
    assert script.commands[0].segments[0].function == "verify"
    grep, head, rm = script.commands[1].segments
    assert grep.condition and head.condition and not rm.condition
    assert rm.guards == ("if grep -q x f | head",)


def test_a_region_the_reader_cannot_parse_is_a_notice_and_the_rest_is_still_read():
    parsed = parse("x.sh", "#!/bin/bash\nif then fi ((\ncurl -k https://x\nchmod 777 /srv\n")
    script = parsed.units[0]
    assert any("could not parse" in notice and "line 2" in notice for notice in parsed.notices)
    assert "chmod" in [s.name for _, s in script.segments()]


def test_hostile_nesting_and_unterminated_expressions_stay_fast_and_never_raise():
    from auditui.checks.models.shell_reader import mask_expressions, read

    deep = read("echo " + "$(" * 20000 + "x" + ")" * 20000 + "\n")
    assert deep.too_deep or deep.commands
    text = "echo " + "${{ " * 50000
    masked = mask_expressions(text)
    assert len(masked.encode()) == len(text.encode()) and masked.startswith("echo $__ $__ ")
    assert mask_expressions("a ${{ x }} b ${{ y\n z }} c") == "a $_______ b $____\n_____ c"


def test_a_backtick_left_open_at_the_end_keeps_findings_inside_the_file(tmp_path):
    # found by the mutation fuzz: the open substitution ends on the empty row after the last
    # newline, which is no line of the file
    from auditui.checks.engine import Engine

    text = "#!/bin/bash\ns`et -euo pipefail\ncd /srv/app\ngit checkout 3f9a2c1\nsystemctl restart app\n"
    (tmp_path / "rollback.sh").write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    lines = text.count("\n")
    spans = [(f.code, f.line, f.end_line) for f in engine.findings if f.path == "rollback.sh" and f.line]
    assert spans and all(max(line, end or 0) <= lines for _, line, end in spans), spans


# tree-sitter-bash returns error-free trees that are wrong: a `[ ... ]` test may hold a
# redirected statement (tree-sitter/tree-sitter-bash#316), so a `[` opened on one line is closed
# by a `]` many lines down and everything between becomes one command. Reduced from
# nextcloud/vm nextcloud_update.sh, where a pg_dump was reported on the line of the first `if`.
RUN_ON_TEST = """#!/bin/bash
V=31
if [ "${NCVERSION%%.*}" -ge "$V" ]
then
    if [ "$(php -v | head -n 1)" -lt "$V" ]
    then
        exit
    fi
fi
if is_this_installed postgresql-common
then
    if sudo -u postgres psql -c "SELECT 1" | grep "1 row" > /dev/null
    then
        sudo -u postgres pg_dump -Fc "$NCDB" > "$BACKUP"/nextclouddb.dump
    fi
fi
if [ "${CURRENTVERSION%%.*}" -lt "${NCVERSION%%.*}" ]
then
    nextcloud_occ config:system:delete app_install_overwrite
fi
"""


def test_a_test_bracket_is_a_command_and_never_swallows_the_lines_up_to_a_later_bracket():
    from auditui.checks.models.shell_reader import read

    reading = read(RUN_ON_TEST)
    assert not reading.misread and not reading.unreadable
    assert all(c.end_line - c.line <= 1 for c in reading.commands)
    dump = next(c for c in reading.commands if "pg_dump" in c.text)
    assert dump.line == 14
    seg = next(s for s in dump.segments if "pg_dump" in s.words)
    assert seg.guards == ("if is_this_installed postgresql-common",
                          'if sudo -u postgres psql -c "SELECT 1" | grep "1 row" > /dev/null')
    tests = [s.words for c in reading.commands for s in c.segments if s.words[:1] == ("[",)]
    assert tests[0] == ("[", "${NCVERSION%%.*}", "-ge", "$V", "]")
    assert ("[", "a", "==", "b", "]") in [s.words for c in read('[ "a" == "b" ] && x\n').commands for s in c.segments]
    # `[` that is data is left alone: a glob, an array index, `[[`, a word in a string
    for text in ('case "$x" in [yY]*) y;; esac\n', 'echo "${a[ 1 ]}"\n', '[[ -f x ]] && y\n', 'echo "see [ here ]"\n'):
        assert not read(text).misread and read(text).commands


# A second error-free misparse (tree-sitter-bash 0.25.1): the last command of a pipeline of
# three or more stages runs on across line breaks up to a later redirection (`a | b | c`,
# `d`, `e > f` is read as `c d e > f`); seen on nextcloud/vm's crontab lines.
RUN_ON_GROUP = """#!/bin/bash
crontab -u root -l | { cat; echo "@reboot x"; } | crontab -u root -
SNAPSHOT_EXISTS=1
if is_docker_running
then
    check_command systemctl stop docker
fi
curl -k https://example.com > /tmp/x
echo done
"""


def test_a_command_run_on_across_line_breaks_is_read_line_by_line_with_a_notice():
    from auditui.checks.models.shell_reader import read

    reading = read(RUN_ON_GROUP)
    assert reading.misread == [(2, 8)]
    lines = {s.words[0]: s.line for c in reading.commands for s in c.segments if s.words}
    assert lines["crontab"] == 2 and lines["SNAPSHOT_EXISTS=1"] == 3 and lines["curl"] == 8
    assert lines["check_command"] == 6 and lines["echo"] == 9  # `echo done`, after the run-on
    assert "if" not in lines and "fi" not in lines and "then" not in lines
    curl = next(s for c in reading.commands for s in c.segments if s.words[:1] == ("curl",))
    assert curl.words == ("curl", "-k", "https://example.com", ">", "/tmp/x")
    assert all(c.end_line - c.line <= 1 for c in reading.commands)
    parsed = parse("x.sh", RUN_ON_GROUP)
    assert any(n.startswith("lines 2-8") and "line by line" in n for n in parsed.notices)
    # a two-stage pipeline there is read normally: no notice
    plain = RUN_ON_GROUP.replace('| { cat; echo "@reboot x"; } ', "")
    assert not read(plain).misread and not any("line by line" in n for n in parse("x.sh", plain).notices)
