"""`--pack-only` decodes templates with decoding.py: the same objects as cfn-lint's decoder, marks
included, on every template of the corpus (the findings' lines and columns come from those marks)."""

from __future__ import annotations

import math

import pytest
from cfnlint.decode import decode as cfn_lint_decode
from cfnlint.decode.node import dict_node, list_node, str_node

from cfn_lint_bestpractices import decoding, packonly
from corpus import CORPUS, corpus_rows


def _marks(node) -> list:
    return [(m.line, m.column, getattr(m, "index", None)) for m in (node.start_mark, node.end_mark)]


def difference(a, b, path=()) -> str | None:
    """Where two decoded templates differ (type, value, key order, marks, merge flag), or None."""
    if type(a) is not type(b):
        return f"{list(path)}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, (str_node, dict_node, list_node)) and _marks(a) != _marks(b):
        return f"{list(path)}: marks {_marks(a)} != {_marks(b)}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{list(path)}: keys {list(a)[:5]} != {list(b)[:5]}"
        if getattr(a, "using_merge", None) != getattr(b, "using_merge", None):
            return f"{list(path)}: using_merge"
        for (key_a, value_a), key_b in zip(a.items(), b):
            found = difference(key_a, key_b, path + ("<key>",)) or difference(value_a, b[key_b], path + (key_a,))
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{list(path)}: {len(a)} items != {len(b)}"
        for index, (item_a, item_b) in enumerate(zip(a, b)):
            found = difference(item_a, item_b, path + (index,))
            if found:
                return found
        return None
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return None
    return None if a == b else f"{list(path)}: {a!r} != {b!r}"


def compare(path) -> str | None:
    expected, expected_errors = cfn_lint_decode(str(path))
    got, got_errors = decoding.decode(str(path))
    if [repr(m) for m in expected_errors] != [repr(m) for m in got_errors]:
        return f"errors {expected_errors[:2]} != {got_errors[:2]}"
    if getattr(expected, "yaml_aliases", None) != getattr(got, "yaml_aliases", None):
        return "yaml_aliases differ"
    return difference(expected, got)


def test_every_corpus_template_decodes_as_cfn_lint_decodes_it():
    rows = [r for r in corpus_rows() if not r.get("dup_of")]
    assert len(rows) > 3000
    fast = 0
    differences = []
    for row in rows:
        path = CORPUS / row["local_path"]
        found = compare(path)
        if found:
            differences.append(f"{row['local_path']}: {found}")
        try:
            decoding.loads(path.read_text(encoding="utf-8"), str(path))
            fast += 1
        except (decoding._NotCommon, UnicodeDecodeError):
            pass
    assert not differences, "\n".join(differences[:20])
    # the comparison is worth something only if most templates took the fast way
    assert fast > 0.9 * len(rows)


CASES = {
    "tags": "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-x'\n"
            "      Tags: [{Key: a, Value: !Ref AWS::Region}, {Key: b, Value: !GetAtt Q.Arn}]\n"
            "      X: !If [C, !Select [0, !GetAZs ''], !Ref AWS::NoValue]\n  Q:\n    Type: AWS::SQS::Queue\n",
    "scalars": "A: 1\nB: 0x1F\nC: 1.5e3\nD: .inf\nE: yes\nF: ~\nG: 2001-12-14\nH: '007'\nI: 1_000\nJ: -0o17\n"
               "K: !!binary aGVsbG8=\nL: !!str 12\n",
    "keys": "200: ok\n1.5: f\ntrue: t\n'q': quoted\n",
    "duplicate key": "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n",
    "null key": "~: 1\n",
    "merge": "Base: &base {a: 1}\nUse:\n  <<: *base\n  b: 2\n",
    "inline merge": "Use:\n  <<: {a: 1}\n  b: 2\n",
    "alias": "A: &x [1, 2]\nB: *x\n",
    "ampersand in a string": "Description: 'Q&A & more'\nResources: {}\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty": "",
    "null document": "null\n",
    "list root": "- a\n- b\n",
    "tab (JSON fallback)": '{\n\t"Resources": {\n\t\t"A": {"Type": "AWS::SQS::Queue"}\n\t}\n}\n',
    "bad YAML": "Resources:\n  A: [\n",
    "unhashable key": "? [a, b]\n: c\n",
    "set": "!!set {a, b}\n",
    "value key": "=: v\n",
    "unknown global tag": "a: !!python/name:os.system x\n",
    "CRLF": "Resources:\r\n  A:\r\n    Type: AWS::SQS::Queue\r\n",
    "unicode": "Description: \"caf\\u00e9 \u2603\"\nResources: {}\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_odd_inputs_decode_as_cfn_lint_decodes_them(tmp_path, name):
    """Each way a template can be unusual: built the fast way only where that gives cfn-lint's result,
    else decoded by cfn-lint (errors included)."""
    path = tmp_path / "t.yaml"
    path.write_bytes(CASES[name].encode("utf-8"))
    assert compare(path) is None


def test_a_missing_file_and_a_folder_are_cfn_lint_errors(tmp_path):
    for name in (tmp_path / "missing.yaml", tmp_path):
        expected = cfn_lint_decode(str(name))
        got = decoding.decode(str(name))
        assert [repr(m) for m in got[1]] == [repr(m) for m in expected[1]] and got[1]


def test_the_fast_path_is_verified_for_the_installed_cfn_lint():
    """The copies in packonly.py (and the classes decoding.py builds) are used only for a cfn-lint
    whose sources are those they were checked against: this run must be one, or the corpus tests
    above and in test_pack_only.py would be testing cfn-lint's own functions."""
    from cfnlint.version import __version__

    assert packonly.VERIFIED_SOURCES.get(__version__) == packonly.source_hashes(), (
        "cfn-lint changed: compare packonly.py's copies with the new sources, run "
        "`pytest --full-corpus tests/test_pack_only.py tests/test_decoding.py`, then record "
        "packonly.source_hashes() under this version in VERIFIED_SOURCES")
    assert packonly.fast_path()
