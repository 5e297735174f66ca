"""Decoding a template for `--pack-only`: cfn-lint's result, built faster.

cfn-lint (1.58) already parses YAML with libyaml (PyYAML's `CSafeLoader`), but then builds the
template through PyYAML's generic constructor machinery: every mapping is constructed twice (once
for its duplicate-key check, once by `SafeConstructor.construct_yaml_map`), and every node goes
through a dispatch, a memo and, for strings, a raised-and-caught `TypeError`. That is most of its
decoding time. Here the same libyaml composer gives the same node tree (same marks), and a direct
walk builds the same objects from it:

- a plain mapping, sequence or string becomes cfn-lint's `dict_node` / `list_node` / `str_node`
  carrying the node's own start and end marks, exactly as cfn-lint's constructor would;
- null, booleans, integers and floats use the very `SafeConstructor` functions cfn-lint's loader
  uses;
- anything else (a short-form tag such as `!Ref`, a timestamp, binary) is handed to a real
  cfn-lint loader (`CfnFullLoader` with cfn-lint's `!` multi-constructor), so it is cfn-lint's own
  code that builds it.

Whatever is not the common case is decoded by cfn-lint itself, from the file, so that its result
and its error findings are cfn-lint's: a file that does not parse, a duplicate or null key, a merge
key (`<<`), an alias (a node used twice), several documents, an empty document, no libyaml, standard
input. `tests/test_decoding.py` proves the two decoders equal, marks included, over the corpus.
"""

from __future__ import annotations

import gc
from typing import Any

from cfnlint.decode import cfn_yaml
from cfnlint.decode import decode as cfn_lint_decode
from cfnlint.decode.node import dict_node, list_node, str_node
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml's composer; without it cfn-lint decodes every file (same result, its speed)
    from yaml import CSafeLoader as _Composer
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Composer = None

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
# the scalar tags built by SafeConstructor's own functions (cfn-lint's loader inherits them)
_SCALARS = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
}

# SafeConstructor's scalar functions read only the node and class-level tables
_SAFE = SafeConstructor()

_new_str = str.__new__
_new_dict = dict.__new__
_new_list = list.__new__


class _NotCommon(Exception):
    """The template needs cfn-lint's own decoder (an error to report, or a rare construct)."""


class _Builder:
    """Builds cfn-lint's objects from one document's node tree."""

    def __init__(self, text: str, filename: str | None) -> None:
        self.filename = filename
        self.seen: set[int] | None = set() if "&" in text else None  # only anchors can share a node
        self._cfn_loader: Any = None

    def cfn_loader(self) -> Any:
        """cfn-lint's own loader, for the nodes built by its code (tags, timestamps)."""
        if self._cfn_loader is None:
            loader = cfn_yaml.CfnFullLoader("", self.filename)
            loader.add_multi_constructor("!", cfn_yaml.multi_constructor)
            self._cfn_loader = loader
        return self._cfn_loader

    def done(self) -> None:
        if self._cfn_loader is not None:
            # a generator constructor left for later (a !!set, !!omap): cfn-lint's construct_document
            # would run it at the end of the document; let cfn-lint decode such a file
            pending = self._cfn_loader.state_generators
            self._cfn_loader.dispose()
            if pending:
                raise _NotCommon("pending generator constructors")

    def build(self, node: Any) -> Any:
        if self.seen is not None:
            if id(node) in self.seen:
                raise _NotCommon("alias")
            self.seen.add(id(node))
        kind = type(node)
        tag = node.tag
        if kind is ScalarNode:
            if tag == _STR:
                out = _new_str(str_node, node.value)
                out.start_mark = node.start_mark
                out.end_mark = node.end_mark
                return out
            scalar = _SCALARS.get(tag)
            if scalar is not None:
                return scalar(_SAFE, node)
        elif kind is MappingNode and tag == _MAP:
            out = _new_dict(dict_node)
            for key_node, value_node in node.value:
                if key_node.tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                    raise _NotCommon("merge or value key")
                key = self.build(key_node)
                if key is None or key in out:  # cfn-lint reports these (a TypeError: unhashable)
                    raise _NotCommon("null or duplicate key")
                out[key] = self.build(value_node)
            out.start_mark = node.start_mark
            out.end_mark = node.end_mark
            out.using_merge = False
            return out
        elif kind is SequenceNode and tag == _SEQ:
            out = _new_list(list_node)
            out.extend([self.build(item) for item in node.value])
            out.start_mark = node.start_mark
            out.end_mark = node.end_mark
            return out
        return self.cfn_loader().construct_object(node, deep=False)


def loads(text: str, filename: str | None) -> Any:
    """The template cfn-lint's YAML decoder would return for `text`; raises _NotCommon when
    cfn-lint's decoder must do it (errors included)."""
    if _Composer is None:
        raise _NotCommon("no libyaml")
    # a template is a tree of many small objects and no cycles: the collector's passes over them
    # while they are being made (a third of a large template's decoding) find nothing to free
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _loads(text, filename)
    finally:
        if collecting:
            gc.enable()


def _loads(text: str, filename: str | None) -> Any:
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except Exception as err:  # pylint: disable=broad-except
        raise _NotCommon(repr(err)) from None
    finally:
        composer.dispose()
    if node is None:
        raise _NotCommon("empty document")
    builder = _Builder(text, filename)
    try:
        template = builder.build(node)
    except _NotCommon:
        raise
    except Exception as err:  # pylint: disable=broad-except
        raise _NotCommon(repr(err)) from None
    builder.done()
    if template is None:
        raise _NotCommon("null document")
    if builder.seen is not None:
        # cfn-lint's guard against alias amplification counts nodes whenever the text holds "&";
        # no node is shared here (that is an alias, left to cfn-lint), so there are no aliases to record
        try:
            cfn_yaml._guard_alias_expansion(template, filename)  # pylint: disable=protected-access
        except Exception as err:  # pylint: disable=broad-except
            raise _NotCommon(repr(err)) from None
    return template


def decode(filename: str | None) -> tuple[Any, list]:
    """(template, matches) as `cfnlint.decode.decode(filename)` returns them."""
    if filename is None or filename == "-":
        return cfn_lint_decode(filename)
    try:
        with open(filename, encoding="utf-8") as handle:
            text = handle.read()
        return loads(text, filename), []
    except (_NotCommon, OSError, UnicodeDecodeError, ValueError):
        return cfn_lint_decode(filename)
