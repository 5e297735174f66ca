"""Each rule page's examples are linted: `bad` must raise the rule; `good` and `suppressed` must be clean
under every rule of the pack and every error-level rule of stock cfn-lint, so that a user who copies an
example gets no finding at all. So the documentation cannot drift from the code."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode import decode

from cfn_lint_bestpractices.cli import main
from cfn_lint_bestpractices.page_render import code_lines, render, terminal_width, use_color
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import PACK_IDS, RULE_PAGES, lint, pack_findings

# E9608 judges a table but reports on the resource that uses its StreamArn, which can be of any type
REPORTED_ON_REFERRER = {"E9608"}
BLOCK = re.compile(r"^```(yaml|json) (bad|good|suppressed)\n(.*?)^```", re.S | re.M)
CASES = []
for cls in ALL_RULES:
    page = RULE_PAGES / f"{cls.id}.md"
    if page.exists():
        for i, (lang, kind, body) in enumerate(BLOCK.findall(page.read_text(encoding="utf-8"))):
            CASES.append((cls.id, kind, lang, body, i))


@pytest.mark.parametrize("rule_id", [cls.id for cls in ALL_RULES])
def test_page_has_every_kind_of_example(rule_id):
    kinds = {kind for rid, kind, *_ in CASES if rid == rule_id}
    assert kinds == {"bad", "good", "suppressed"}


@pytest.mark.parametrize("rule_id,kind,lang,body,index", CASES, ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in CASES])
def test_page_example(tmp_path, rule_id, kind, lang, body, index):
    template = tmp_path / f"example.{lang}"
    template.write_text(body, encoding="utf-8")
    matches = lint(template)
    ids = [m.rule.id for m in matches]
    assert "E0002" not in ids
    if kind == "bad":
        assert rule_id in ids
        # the finding sits on a resource of one of the rule's resource_types (the page's header says which)
        rule = next(cls for cls in ALL_RULES if cls.id == rule_id)
        decoded, _ = decode(str(template))
        for m in matches:
            if m.rule.id == rule_id and rule_id not in REPORTED_ON_REFERRER:
                path = list(getattr(m, "path", None) or [])
                assert path[:1] == ["Resources"], path
                assert decoded["Resources"][path[1]]["Type"] in rule.resource_types, path
    else:
        # not only the page's own rule: any finding of the pack, or a stock cfn-lint error, makes the
        # example one a user cannot copy as it stands
        others = [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches
                  if m.rule.id in PACK_IDS or m.rule.id.startswith("E")]
        assert others == []


SUPPRESSION = re.compile(r"^[ \t]*Metadata:\n[ \t]*cfn-lint:\n[ \t]*config:\n[ \t]*ignore_checks: \[[A-Z0-9, ]+\]\n", re.M)


@pytest.mark.parametrize("rule_id,kind,lang,body,index", [c for c in CASES if c[1] == "suppressed"],
                         ids=[f"{c[0]}-{c[4]}" for c in CASES if c[1] == "suppressed"])
def test_suppressed_example_fires_without_its_suppression(tmp_path, rule_id, kind, lang, body, index):
    """The suppression example must show a real finding being silenced, not a good template."""
    unsuppressed, count = SUPPRESSION.subn("", body)
    assert count == 1
    template = tmp_path / f"example.{lang}"
    template.write_text(unsuppressed, encoding="utf-8")
    assert rule_id in [f["rule"] for f in pack_findings(lint(template))]


# --- the page as `cfn-lint-bestpractices rule ID` prints it -------------------------------------------

PAGES = {cls.id: (RULE_PAGES / f"{cls.id}.md").read_text(encoding="utf-8") for cls in ALL_RULES}
FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_page_code_is_at_most_100_columns(rule_id):
    wide = [line for body in FENCED.findall(PAGES[rule_id]) for line in body.splitlines() if len(line) > 100]
    assert wide == []


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_rendered_page_fits_the_width(rule_id, width):
    page = PAGES[rule_id]
    text = render(page, width=width)
    code = code_lines(page)
    # Wider than the width: only a code line that is as wide in the page, or a line holding one word
    # that cannot be broken (a link's address, kept whole so that it can be opened).
    wide = [line for line in text.splitlines() if len(line) > width and line not in code
            and len(line.strip().lstrip("* ").split()) != 1]
    assert wide == []
    assert "\x1b" not in text


@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_rendered_page_keeps_code_headings_and_items(rule_id):
    page = PAGES[rule_id]
    lines = render(page, width=80).splitlines()
    # each code block comes out line for line, in one piece
    for body in FENCED.findall(page):
        block = body.splitlines()
        assert any(lines[k:k + len(block)] == block for k in range(len(lines))), block[:3]
    headings = [line for line in page.splitlines() if re.match(r"#+ ", line)]
    wide = render(page, width=100).splitlines()
    assert [line for line in wide if re.match(r"#+ ", line)] == [" ".join(h.split()) for h in headings]
    items = [line for line in page.splitlines() if re.match(r"\s*[*-] ", line) and line not in code_lines(page)]
    assert len([line for line in lines if re.match(r"\s*\* ", line)]) >= len(items)
    # markdown markup is gone from the prose
    prose = [line for line in lines if line not in code_lines(page)]
    assert not [line for line in prose if "**" in line or "](http" in line]


def test_rule_command_output_is_plain_and_wrapped_when_piped():
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    command = Path(sys.executable).parent / "cfn-lint-bestpractices"
    proc = subprocess.run([str(command), "rule", "E9605"],
                          capture_output=True, text=True, env=env, check=True)
    assert proc.stdout.startswith("# E9605: ")
    assert "\x1b" not in proc.stdout
    code = code_lines(PAGES["E9605"])
    assert [line for line in proc.stdout.splitlines()
            if len(line) > 100 and line not in code and len(line.split()) != 1] == []
    assert proc.stdout == render(PAGES["E9605"], width=100)


@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_rule_command_prints_the_rendered_page(capsys, monkeypatch, rule_id):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["rule", rule_id.lower()]) == 0
    out = capsys.readouterr().out
    assert out == render(PAGES[rule_id], width=80)
    assert "\x1b" not in out


def test_width_comes_from_columns_or_the_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "80")
    assert terminal_width(io.StringIO()) == 80
    monkeypatch.setenv("COLUMNS", "300")
    assert terminal_width(io.StringIO()) == 100
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(io.StringIO()) == 100  # piped: 100
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=None: os.terminal_size((90, 40)))
    assert terminal_width(Tty()) == 90
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


def test_color_is_only_escape_codes_around_plain_text():
    page = PAGES["W9501"]
    colored = render(page, width=80, color=True)
    assert "\x1b[" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == render(page, width=80)


# --- what a page cites -------------------------------------------------------------------------------

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_page_cites_only_what_a_user_has(rule_id):
    """No citation of the project's internal study notes (no user has them): the practice is said in
    words, and the sources are AWS documentation pages."""
    page = PAGES[rule_id]
    assert not re.search(r"seeds/|shared/|\.txt:\d|\bthe notes\b|\bnotes'", page, re.I)
    section = re.search(r"^## AWS documentation\n(.*?)(?=^## )", page, re.S | re.M)
    assert section, "no '## AWS documentation' section"
    links = LINK.findall(section.group(1))
    assert links and all(url.startswith("https://docs.aws.amazon.com/") for _, url in links)
    assert all(url.startswith(AWS_OWNED) for _, url in LINK.findall(page)), \
        [url for _, url in LINK.findall(page) if not url.startswith(AWS_OWNED)]


# Where an AWS fact may come from: AWS's own documentation (any language edition, the China mirror), its
# Knowledge Center and its own web site
AWS_OWNED = ("https://docs.aws.amazon.com/", "https://docs.amazonaws.cn/", "https://repost.aws/",
             "https://aws.amazon.com/")


@pytest.mark.parametrize("rule_id", sorted(PAGES))
def test_page_has_an_aws_facts_ledger(rule_id):
    """Every page lists the AWS facts its rule relies on, each with the AWS page it comes from and the
    date it was checked."""
    section = re.search(r"^## AWS facts\n(.*?)(?=^## )", PAGES[rule_id], re.S | re.M)
    assert section, "no '## AWS facts' section"
    rows = [line for line in section.group(1).splitlines()
            if line.startswith("|") and not line.startswith(("|---", "| fact"))]
    assert rows, "the ledger lists no fact"
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) >= 3, row
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[-1]), f"no date checked: {row}"
        links = LINK.findall(" | ".join(cells[1:-1]))
        assert links and all(url.startswith(AWS_OWNED) for _, url in links), f"no AWS source: {row}"
