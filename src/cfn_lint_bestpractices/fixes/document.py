"""A template file as an editable round-trip document: YAML through ruamel.yaml (comments, key order,
quoting, flow style, anchors and short-form tags kept), JSON through the standard library (key order
kept); either way the fixed text is merged line by line into the original (merge.py), with its line
endings.

Edits address the template as cfn-lint sees it; this module finds the place in the file the value
comes from: a short-form `!If [...]` is the `Fn::If` of the path, and a SAM resource's property that
only `Globals` sets is edited in `Globals`.
"""

from __future__ import annotations

import collections
import io
import json
import re
from functools import lru_cache
from typing import Any

from .edits import Append, Remove, Set
from .merge import json_three_way, three_way

# The Globals section of each SAM resource type (cfn-lint merges Globals into the resources)
SAM_GLOBALS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::LayerVersion": "LayerVersion",
}

# short-form tag -> the key of the long form
_SHORT = {"!Ref": "Ref", "!Condition": "Condition"}
_NO_VALUE = {"Ref": "AWS::NoValue"}


class EditRefused(Exception):
    """An edit that would not change the place the value comes from, or would remove what a fix
    must never remove; the message says why, for the summary, and `kind` how the summary counts it:
    "parameter" (the value comes from a parameter), "computed" (an intrinsic function computes it),
    "anchor" (a YAML anchor shares it), "absent" (the place does not exist), "never" (a fix never
    removes or replaces it)."""

    def __init__(self, message: str, kind: str = "absent") -> None:
        super().__init__(message)
        self.kind = kind


class Document:
    def __init__(self, text: str, fmt: str) -> None:
        self.fmt = fmt
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.text = text.replace("\r\n", "\n")
        self.short_tags = False
        if fmt == "json":
            self.data = self._load()
            self.indent = _json_indent(self.text)
            self.base = self._dump()
        else:
            from ruamel.yaml import YAML

            self.yaml = YAML(typ="rt")
            self.yaml.preserve_quotes = True
            self.yaml.allow_duplicate_keys = True
            self.yaml.width = 1 << 16  # never fold a long line the user wrote on one
            self.yaml.explicit_start = self.text.lstrip().startswith("---")
            self.data = self._load()
            # one indentation for the whole file: the one whose rendering keeps most of its lines
            guess = _guess_indent(self.text)
            candidates = [guess] + [c for c in ((2, 0), (2, 2), (4, 0), (4, 2), (4, 4)) if c != guess]
            settings, self.base = _best_indent(self, candidates)
            self.yaml.indent(**settings)
            self.short_tags = bool(re.search(r"(^|[\s\[,:-])!(Ref|Sub|GetAtt|If|Join|Select)\b", self.text))
            self.quote, self.quote_all = _quoting(self.data)
        self._applied: list = []  # the edits applied, in order (a restore replays some of them)
        # changes made to `data`, and their count after the last edit that was applied whole: a refused
        # edit that changed nothing on its way needs no restore
        self._mutations = self._clean = 0

    @classmethod
    def read(cls, filename: str) -> "Document":
        with open(filename, encoding="utf-8", newline="") as handle:
            text = handle.read()
        fmt = "json" if filename.lower().endswith(".json") or text.lstrip().startswith("{") else "yaml"
        return cls(text, fmt)

    # ---- rendering

    def _dump(self) -> str:
        if self.fmt == "json":
            return json.dumps(self.data, indent=self.indent, ensure_ascii=False) + "\n"
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()

    def render(self) -> str:
        """The original text with only the edited lines changed, in the file's line endings."""
        new = self._dump()
        merged = json_three_way(self.text, self.base, new) if self.fmt == "json" and new != self.base else None
        if merged is None:
            merged = three_way(self.text, self.base, new)
        return merged.replace("\n", self.newline) if self.newline != "\n" else merged

    def _load(self) -> Any:
        return json.loads(self.text) if self.fmt == "json" else self.yaml.load(self.text)

    def snapshot(self) -> int:
        """A state to come back to: the number of edits applied so far."""
        return len(self._applied)

    def restore(self, state: int) -> None:
        """Back to the document after its first `state` edits: the original text read again and those
        edits applied again. (A deep copy of a round-trip document is not the document: it drops
        comments and blank lines that the user's text has.) Nothing is read again when nothing
        changed since that state."""
        if state == len(self._applied) and self._mutations == self._clean:
            return
        kept = self._applied[:state]
        self.data = self._load()
        self._applied, self._mutations, self._clean = [], 0, 0
        for edit in kept:
            self.apply(edit)

    def _touch(self) -> None:
        self._mutations += 1

    def written(self, value: Any) -> str:
        """How this file writes a scalar value that a fix adds (`"2012-10-17"` in a file that
        quotes with double quotes, `'2012-10-17'` in one that uses single quotes), for the summary."""
        if self.fmt == "json" or not isinstance(value, str):
            return json.dumps(_plain_types(value), ensure_ascii=False)
        style = self._quote_for(value)
        if style == '"':
            return json.dumps(value, ensure_ascii=False)
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        return value

    def _quote_for(self, value: str) -> str | None:
        """The quote a new string scalar gets: the file's own (the quote it uses most), where YAML needs
        one or where the file quotes most of its strings; else none."""
        if self.quote_all or not _plain_ok(value):
            return self.quote
        return None

    # ---- edits

    def apply(self, edit) -> None:
        """Apply one edit, or raise EditRefused (after which `restore` brings back the state before it)."""
        self._apply(edit)
        self._applied.append(edit)
        self._clean = self._mutations

    def _apply(self, edit) -> None:
        if isinstance(edit, Remove):
            self._remove(edit.path)
            return
        container, key = self._locate(tuple(edit.path))
        current = _get(container, key)
        if isinstance(edit, Set) and len(edit.path) <= 2 and current is not _MISSING:
            # a new resource may be added; an existing one (or a whole section) is never overwritten
            raise EditRefused(f"a fix never replaces {_path(edit.path)}", "never")
        if isinstance(edit, Set):
            if current is not _MISSING and _computed(current) and not _is_no_value(current):
                raise EditRefused(_computed_reason(edit.path, current), self._computed_kind(current))
            self._touch()
            if getattr(edit, "first", False) and current is _MISSING and isinstance(container, dict):
                _put_first(container, key, self._node(edit.value))
            else:
                _put(container, key, self._node(edit.value))
        elif isinstance(edit, Append):
            if _anchored(current):
                raise EditRefused(f"{_path(edit.path)} is shared through the YAML anchor &{current.anchor.value}; "
                                  "edit it by hand", "anchor")
            value = self._node(edit.value)
            self._touch()
            if current is _MISSING or _is_no_value(current):
                _put(container, key, self._seq([value]))
            elif isinstance(current, list) and not _is_tagged(current):
                if not any(_plain(item) == edit.value for item in current):
                    current.append(value)
            elif isinstance(current, str) and not _is_tagged(current):
                if current != edit.value:
                    _put(container, key, self._seq([current, value]))
            else:
                raise EditRefused(f"{_path(edit.path)} is computed ({_describe(current)}); add {edit.value!r} by hand",
                                  self._computed_kind(current))
        else:
            raise TypeError(f"unknown edit {edit!r}")

    def _remove(self, path: tuple) -> None:
        if len(path) <= 2 or (len(path) >= 2 and path[-2] == "Statement") or path[-1] == "Statement":
            raise EditRefused(f"a fix never removes a resource or a statement ({_path(path)})", "never")
        container, key = self._locate(path)
        if not isinstance(container, dict):
            raise EditRefused(f"{_path(path)} is not a key that can be removed")
        if key in container:
            self._touch()
            del container[key]

    def _locate(self, path: tuple) -> tuple[Any, Any]:
        """The container and key of the path's last step in this file, creating missing mappings."""
        node = self.data
        steps = list(path)
        i = 0
        while i < len(steps) - 1:
            step = steps[i]
            if _anchored(node):
                # `&name` ... `*name`: one node in two places; an edit here would change both
                raise EditRefused(f"{_path(path[:i])} is shared through the YAML anchor "
                                  f"&{node.anchor.value}; edit it by hand", "anchor")
            if _tag_means(node, step):  # `!If [...]` is the list of the path's "Fn::If"
                i += 1
                continue
            if isinstance(node, dict):
                if step not in node and self._from_globals(path, i):
                    node = self._globals_section(path)
                    i += 1
                    continue
                if step not in node or _is_no_value(node[step]):
                    if isinstance(steps[i + 1], int):
                        raise EditRefused(f"{_path(path[:i + 1])} does not exist in the file")
                    self._touch()
                    node[step] = self._map()
                elif _computed(node[step]) and not _is_container_step(node[step], steps[i + 1]):
                    raise EditRefused(f"{_path(path[:i + 1])} is computed ({_describe(node[step])})",
                                      self._computed_kind(node[step]))
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                if _is_no_value(node[step]) and isinstance(steps[i + 1], str):
                    self._touch()
                    node[step] = self._map()  # an `Fn::If` branch that was AWS::NoValue gets the value
                node = node[step]
            else:
                raise EditRefused(f"{_path(path[:i + 1])} does not exist in the file")
            i += 1
        last = steps[-1]
        if _anchored(node):
            raise EditRefused(f"{_path(path[:-1])} is shared through the YAML anchor &{node.anchor.value}; "
                              "edit it by hand", "anchor")
        if isinstance(node, dict) and last not in node and len(path) == 4 and self._globals_has(path):
            return self._globals_dict(path), last
        if _tag_means(node, last):
            raise EditRefused(f"{_path(path)} is computed", "computed")
        if isinstance(node, dict) or (isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node)):
            return node, last
        raise EditRefused(f"{_path(path)} does not exist in the file")

    def _computed_kind(self, node: Any) -> str:
        plain = _plain(node)
        ref = plain.get("Ref") if isinstance(plain, dict) and len(plain) == 1 else None
        params = self.data.get("Parameters") if isinstance(self.data, dict) else None
        return "parameter" if isinstance(params, dict) and isinstance(ref, str) and ref in params else "computed"

    def _from_globals(self, path: tuple, i: int) -> bool:
        """Whether step i is a SAM resource's property that the file sets only in Globals."""
        if not (len(path) > 4 and i == 3 and path[0] == "Resources" and path[2] == "Properties"):
            return False
        section = SAM_GLOBALS.get(str(_get_in(self.data, ("Resources", path[1], "Type"))))
        glob = _get_in(self.data, ("Globals", section)) if section else _MISSING
        return isinstance(glob, dict) and path[3] in glob and isinstance(glob[path[3]], dict)

    def _globals_has(self, path: tuple) -> bool:
        """Whether a SAM resource's property (path of length 4) is set in Globals only."""
        if path[0] != "Resources" or path[2] != "Properties":
            return False
        glob = self._globals_dict(path)
        return isinstance(glob, dict) and path[3] in glob

    def _globals_dict(self, path: tuple) -> Any:
        section = SAM_GLOBALS.get(str(_get_in(self.data, ("Resources", path[1], "Type"))))
        return _get_in(self.data, ("Globals", section)) if section else _MISSING

    def _globals_section(self, path: tuple) -> Any:
        section = SAM_GLOBALS[str(_get_in(self.data, ("Resources", path[1], "Type")))]
        return self.data["Globals"][section][path[3]]

    # ---- new nodes, in the file's style

    def _map(self) -> Any:
        if self.fmt == "json":
            return {}
        from ruamel.yaml.comments import CommentedMap

        return CommentedMap()

    def _seq(self, items: list) -> Any:
        if self.fmt == "json":
            return list(items)
        from ruamel.yaml.comments import CommentedSeq

        seq = CommentedSeq(items)
        return seq

    def _node(self, value: Any) -> Any:
        value = _plain_types(value)
        if self.fmt == "json":
            return value
        from ruamel.yaml.comments import CommentedMap, TaggedScalar

        if isinstance(value, dict):
            if self.short_tags and len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref" and isinstance(arg, str):
                    return TaggedScalar(arg, tag="!Ref")
                if key == "Fn::GetAtt" and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
                    return TaggedScalar(".".join(arg), tag="!GetAtt")
                if key == "Fn::Sub" and isinstance(arg, str):
                    return TaggedScalar(arg, tag="!Sub")
                if key.startswith("Fn::") and isinstance(arg, list):
                    seq = self._seq([self._node(a) for a in arg])
                    seq.yaml_set_ctag(_ctag("!" + key[4:]))
                    return seq
            mapping = CommentedMap()
            for k, v in value.items():
                mapping[k] = self._node(v)
            return mapping
        if isinstance(value, list):
            return self._seq([self._node(v) for v in value])
        if isinstance(value, str):
            from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

            style = self._quote_for(value)
            if style == '"':
                return DoubleQuotedScalarString(value)
            if style == "'":
                return SingleQuotedScalarString(value)
        return value


_MISSING = object()

# plain scalars that YAML 1.1 readers (PyYAML, and so cfn-lint) take for booleans or null, though the
# YAML 1.2 writer leaves them plain
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _plain_ok(value: str) -> bool:
    """Whether a string can be written without quotes and still be read back as this string."""
    if not value or value.lower() in _YAML11_WORDS:
        return False
    return _plain_ok_cached(value)


@lru_cache(maxsize=512)
def _plain_ok_cached(value: str) -> bool:
    from ruamel.yaml import YAML

    writer = YAML(typ="rt")
    writer.width = 1 << 16
    out = io.StringIO()
    writer.dump({"k": value}, out)
    return out.getvalue() == f"k: {value}\n"


def _quoting(data: Any) -> tuple[str, bool]:
    """(the quote the file uses most for its string values, whether it quotes most of them); keys,
    block scalars and values that are not strings are not counted."""
    from ruamel.yaml.comments import TaggedScalar
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString, ScalarString

    counts = {'"': 0, "'": 0, "": 0}
    stack = [data]
    while stack:
        node = stack.pop()
        values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for value in values:
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif isinstance(value, DoubleQuotedScalarString):
                counts['"'] += 1
            elif isinstance(value, SingleQuotedScalarString):
                counts["'"] += 1
            elif isinstance(value, TaggedScalar) and isinstance(value.value, str):
                style = getattr(value, "style", None)
                counts[style if style in ('"', "'") else ""] += 1
            elif isinstance(value, str) and not isinstance(value, ScalarString):
                counts[""] += 1
    quote = '"' if counts['"'] > counts["'"] else "'"
    return quote, counts['"'] + counts["'"] > counts[""]


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indentation, dash offset) that most of the file's blocks use, read from its lines:
    how far a block under a key is indented, and how far a list's dashes are."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    maps: collections.Counter = collections.Counter()
    dashes: collections.Counter = collections.Counter()
    for above, below in zip(lines, lines[1:]):
        if not above.rstrip().endswith(":"):
            continue  # not a key whose value is a block
        key = _indent_of(above) + (2 if above.lstrip().startswith("- ") else 0)
        step = _indent_of(below) - key
        if below.lstrip().startswith("- "):
            if step >= 0:
                dashes[step] += 1
        elif step > 0:
            maps[step] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    mapping = mapping if mapping in (2, 4) else 2
    offset = dashes.most_common(1)[0][0] if dashes else 0
    return mapping, offset if offset in (0, 2, 4) and offset <= mapping else 0


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _best_indent(doc: "Document", candidates: list) -> tuple[dict, str]:
    """(indentation settings, the rendering with them): the first candidate (the file's own, as read
    from its lines) when its rendering keeps nearly every line, else the one that keeps most. Each
    candidate costs a rendering of the whole file, so the guess saves most of them."""
    lines = set(doc.text.splitlines())
    total = max(1, len(doc.text.splitlines()))
    best, best_score, best_text = None, -1, ""
    for i, (mapping, offset) in enumerate(candidates):
        settings = {"mapping": mapping, "sequence": mapping + offset, "offset": offset}
        doc.yaml.indent(**settings)
        rendered = doc._dump()  # pylint: disable=protected-access
        if rendered == doc.text:
            return settings, rendered
        score = sum(1 for line in rendered.splitlines() if line in lines)
        if score > best_score:
            best, best_score, best_text = settings, score, rendered
        if i == 0 and score >= 0.97 * total:
            break
    return best, best_text


def _ctag(name: str):
    from ruamel.yaml.tag import Tag

    return Tag(suffix=name)


def _plain_types(value: Any) -> Any:
    """A value with cfn-lint's node classes (str and dict subclasses that carry line marks) made
    plain, so that the YAML writer can represent it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain_types(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_types(v) for v in value]
    return value


def _last_leaf(node: Any):
    """(container, key) of the last scalar at the end of a block mapping or list (where ruamel keeps
    the comment lines that follow it in the file), or None."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    found = None
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node) and not node.fa.flow_style():
        key = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
        found = (node, key)
        node = node[key]
    return found


def _comment_slot(container: Any) -> int:
    from ruamel.yaml.comments import CommentedMap

    return 2 if isinstance(container, CommentedMap) else 0


def _move_trailing_comment(mapping: Any, key: Any) -> None:
    """A key added at the end of a mapping goes before the comment lines that followed the mapping's
    last value (ruamel keeps them there; in the file they belong to what comes next)."""
    from ruamel.yaml.tokens import CommentToken

    keys = list(mapping.keys())
    if len(keys) < 2 or keys[-1] != key:
        return
    old = _last_leaf(mapping[keys[-2]]) or (mapping, keys[-2])
    new = _last_leaf(mapping[key]) or (mapping, key)
    if old is None or new is None:
        return
    holder, hkey = old
    entry = holder.ca.items.get(hkey)
    slot = _comment_slot(holder)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is None:
        return
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if isinstance(holder[hkey], (LiteralScalarString, FoldedScalarString)):
        head, tail = "", token.value  # a block scalar ends with its own newline
    else:
        head, _, tail = token.value.partition("\n")
    if not tail.strip():
        return
    column = getattr(token, "column", 0) or 0
    if head.strip():
        entry[slot] = CommentToken(head + "\n", token.start_mark, None, column)
    else:
        entry[slot] = None
    nholder, nkey = new
    nentry = nholder.ca.items.setdefault(nkey, [None, None, None, None])
    nentry[_comment_slot(nholder)] = CommentToken("\n" + tail, token.start_mark, None, 0)


def _anchored(node: Any) -> bool:
    anchor = getattr(node, "anchor", None)
    return bool(getattr(anchor, "value", None))


def _tag_of(node: Any) -> str:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else ""


def _is_tagged(node: Any) -> bool:
    return _tag_of(node).startswith("!")


def _tag_means(node: Any, step: Any) -> bool:
    tag = _tag_of(node)
    if not tag.startswith("!") or not isinstance(step, str):
        return False
    return _SHORT.get(tag, "Fn::" + tag[1:]) == step


def _is_container_step(node: Any, step: Any) -> bool:
    """Stepping into an `Fn::If` (its branch is where a value is written), long or short form."""
    if isinstance(node, dict) and len(node) == 1 and "Fn::If" in node and step == "Fn::If":
        return True
    return _tag_of(node) == "!If" and step == "Fn::If"


def _computed(node: Any) -> bool:
    """A value an intrinsic function computes: a short-form tag, or a one-key `Ref`/`Fn::*` mapping."""
    if _is_tagged(node):
        return True
    if isinstance(node, dict) and len(node) == 1:
        key = str(next(iter(node)))
        return key in ("Ref", "Condition") or key.startswith("Fn::")
    return False


def _is_no_value(node: Any) -> bool:
    if _tag_of(node) == "!Ref":
        return str(getattr(node, "value", "")) == "AWS::NoValue"
    return isinstance(node, dict) and dict(node) == _NO_VALUE


def _computed_reason(path: tuple, node: Any) -> str:
    """Why a computed value is left alone: a parameter's value is the deployer's to change (its
    Default or the value passed), never the fixer's to override silently."""
    plain = _plain(node)
    if isinstance(plain, dict) and list(plain) == ["Ref"] and isinstance(plain["Ref"], str) \
            and not plain["Ref"].startswith("AWS::"):
        return (f"the value comes from '{plain['Ref']}' (a parameter or resource): change it there, "
                "or write the value by hand")
    return f"{_path(path)} is computed ({_describe(node)}): change it where it comes from"


def _describe(node: Any) -> str:
    if _is_tagged(node):
        inner = getattr(node, "value", None)
        return f"{_tag_of(node)} {inner}" if isinstance(inner, str) else _tag_of(node)
    if isinstance(node, dict) and len(node) == 1:
        (key, arg), = node.items()
        return f"{key}: {arg}" if isinstance(arg, str) else str(key)
    return type(node).__name__


def _plain(node: Any) -> Any:
    if _is_tagged(node) and isinstance(getattr(node, "value", None), str):
        return {_SHORT.get(_tag_of(node), "Fn::" + _tag_of(node)[1:]): node.value}
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _get(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        return container.get(key, _MISSING)
    return container[key]


def _put(container: Any, key: Any, value: Any) -> None:
    added = isinstance(container, dict) and key not in container
    container[key] = value
    if added and hasattr(container, "ca"):
        _move_trailing_comment(container, key)


def _put_first(container: Any, key: Any, value: Any) -> None:
    """A new key as the first of its mapping (a policy document's Version before its Statement)."""
    if hasattr(container, "insert"):
        container.insert(0, key, value)
        return
    rest = list(container.items())
    container.clear()
    container[key] = value
    container.update(rest)


def _get_in(data: Any, path: tuple) -> Any:
    node = data
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return _MISSING
        node = node[step]
    return node


def _path(path: tuple) -> str:
    return "/".join(str(p) for p in path)


def _json_indent(text: str) -> Any:
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and line != stripped:
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else len(lead)
    return None
