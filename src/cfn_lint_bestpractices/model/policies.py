"""Policy documents (IAM policies, queue, topic, bucket and key policies) read statement by statement,
each statement in the scenario in which it holds. One reader for every rule that looks into a policy."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field as _field
from typing import Any, Iterable, Iterator

from .template import TemplateModel
from .values import ABSENT, UNKNOWN, Branch, as_list, consistent, intrinsic, merge_conditions

# Beyond this many variants of one statement (Fn::If combinations inside it) the statement is read whole.
MAX_VARIANTS = 32
# Beyond this many condition names, `uncovered` does not split a scenario (it cannot tell).
MAX_SPLIT_NAMES = 6


class _TooMany(Exception):
    pass


def unfold(node: Any, conditions: tuple = (), path: tuple = ()) -> list[tuple[Any, tuple, tuple]]:
    """The variants of a raw node with every `Fn::If` inside it decided: [(node without `Fn::If`,
    conditions leading to it, choices)], `AWS::NoValue` keys and items dropped (a whole node that is
    `AWS::NoValue` is ABSENT). `choices` are ((path of the `Fn::If` below the node, branch index), ...).
    Other intrinsics stay as they are (only the `Fn::If` inside them are decided). Raises _TooMany past
    MAX_VARIANTS."""
    name, args = intrinsic(node)
    if name == "Fn::If" and isinstance(args, list) and len(args) == 3 and isinstance(args[0], str):
        out = []
        for index, flag in ((1, True), (2, False)):
            merged = merge_conditions(conditions, ((args[0], flag),))
            if merged is None:
                continue
            for value, conds, choices in unfold(args[index], merged, path + ("Fn::If", index)):
                out.append((value, conds, ((path, index),) + choices))
        return out
    if name == "Ref" and args == "AWS::NoValue":
        return [(ABSENT, conditions, ())]
    if isinstance(node, (dict, list)):
        pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        combos: list[tuple[list, tuple, tuple]] = [([], conditions, ())]
        for key, value in pairs:
            nxt = []
            for acc, conds, choices in combos:
                for sub, sub_conds, sub_choices in unfold(value, conds, path + (key,)):
                    nxt.append((acc + ([(key, sub)] if sub is not ABSENT else []), sub_conds, choices + sub_choices))
            combos = nxt
            if len(combos) > MAX_VARIANTS:
                raise _TooMany
        if isinstance(node, dict):
            return [(dict(acc), conds, choices) for acc, conds, choices in combos]
        return [([v for _, v in acc], conds, choices) for acc, conds, choices in combos]
    return [(node, conditions, ())]


def uncovered(model: TemplateModel, need: Branch, grants: Iterable[Branch],
              split_on: Iterable[Branch] = ()) -> Branch | None:
    """A scenario within `need` (a Branch whose conditions and params say where something is needed) in
    which none of the `grants` scenarios holds, else None (granted in every scenario of the need, or too
    many conditions to tell). The scenario found fixes every condition the grants name, so a grant holds
    in it or not; a grant's parameter choices are taken as holding wherever they can (never a finding
    where a parameter's value might grant). Its value and path are the need's. The conditions of the
    `split_on` scenarios (where a related resource applies, for the message) are fixed too."""
    relevant = [g for g in grants if model.together(need, g) is not None]
    fixed = dict(need.conditions)
    names = sorted({n for g in relevant + [b for b in split_on if model.together(need, b) is not None]
                    for n, _ in g.conditions} - set(fixed))
    if len(names) > MAX_SPLIT_NAMES:
        return None
    for values in itertools.product((True, False), repeat=len(names)):
        conds = merge_conditions(need.conditions, tuple(zip(names, values)))
        if conds is None or ((conds or need.params) and not model.possible(conds, need.params)):
            continue
        scenario = Branch(need.value, conds, need.path, need.params)
        if any(holds_in(scenario, g) for g in relevant):
            continue
        return scenario
    return None


@dataclass
class Statement:
    raw: dict  # the statement, its values unresolved (every `Fn::If` inside it decided, see `unfold`)
    scenario: Branch  # in which it holds (value: None)
    # the `Fn::If` branches taken inside the statement: ((relative path of the Fn::If, index), ...)
    choices: tuple = _field(default=())

    def at(self, *keys: Any) -> tuple:
        """The path, relative to the statement, of the value at `keys` in this variant (through the
        `Fn::If` branches it took)."""
        path: tuple = ()
        taken = dict(self.choices)
        for key in keys:
            while path in taken:
                path += ("Fn::If", taken[path])
            path += (key,)
        while path in taken:
            path += ("Fn::If", taken[path])
        return path

    def field(self, model: TemplateModel, key: str) -> Any:
        """A field's single value (UNKNOWN when it varies or cannot be known, ABSENT when missing). The
        statement is one `Fn::If` variant (see `unfold`), so only a parameter's value can still vary."""
        return model.one(self.raw[key]) if key in self.raw else ABSENT

    def effect(self, model: TemplateModel) -> Any:
        return self.field(model, "Effect")

    def strings(self, model: TemplateModel, key: str) -> list[str] | None:
        """A field that holds one string or a list of them (Action, Resource), every value it can take
        in any scenario; None when some value is not a known string. An absent field is []."""
        if key not in self.raw:
            return []
        out = []
        for item in model.elements(self.raw[key]):
            if not isinstance(item.value, str):
                return None
            out.append(item.value)
        return out


def statements(model: TemplateModel, documents: list[Branch]) -> list[Statement] | None:
    """The statements of a policy document given as its branches (e.g. `model.prop(res,
    "PolicyDocument")`), each with its scenario; None when the document or a statement cannot be read
    (then nothing can be concluded from the policy). An absent document has no statements."""
    out: list[Statement] = []
    for doc in documents:
        found = located_statements(model, doc)
        if found is None:
            return None
        out += [st for st, _ in found]
    return out


def located_statements(model: TemplateModel, doc: Branch) -> list[tuple[Statement, tuple]] | None:
    """The statements of one document branch (absolute path), each with its scenario and its
    absolute path (for a finding that points at the statement); None when the document or a
    statement cannot be read. An absent document has none."""
    out: list[tuple[Statement, tuple]] = []
    if doc.value is ABSENT:
        return out
    if not isinstance(doc.value, dict):
        return None
    for listed in model.get(doc.value, "Statement"):
        scope = model.together(Branch(None, listed.conditions, (), listed.params), doc)
        if scope is None or listed.value is ABSENT:
            continue
        if listed.value is UNKNOWN or not isinstance(listed.value, (dict, list)):
            return None
        items = listed.value if isinstance(listed.value, list) else [listed.value]
        for i, node in enumerate(items):
            base = doc.path + listed.path + ((i,) if isinstance(listed.value, list) else ())
            try:
                variants = unfold(node)
            except _TooMany:
                variants = None
            if variants is None:  # too many variants: the statement read whole, as one value
                for st in model.branches(node):
                    if st.value is ABSENT:
                        continue
                    if not isinstance(st.value, dict):
                        return None
                    both = model.together(Branch(None, st.conditions, (), st.params), scope)
                    if both is not None:
                        out.append((Statement(st.value, both), base + st.path))
                continue
            for value, conds, choices in variants:
                if value is ABSENT:
                    continue
                if not isinstance(value, dict) or intrinsic(value)[0] is not None:
                    return None
                both = model.together(Branch(None, conds), scope)
                if both is None or (conds and not model.possible(both.conditions, both.params)):
                    continue
                # the statement's own path: through the Fn::If that wraps it whole, if any
                top = ()
                taken = dict(choices)
                while top in taken:
                    top += ("Fn::If", taken[top])
                inner = tuple((p[len(top):], i) for p, i in choices if p[:len(top)] == top and len(p) >= len(top)
                              and p != top[:len(p)])
                out.append((Statement(value, both, inner), base + top))
    return out


def holds_in(scenario: Branch, where: Branch) -> bool:
    """Whether `where` holds throughout a scenario that `uncovered` found (which fixes its conditions)."""
    merged = merge_conditions(scenario.conditions, where.conditions)
    return merged is not None and dict(merged) == dict(scenario.conditions) and \
        consistent(scenario.params + where.params) is not None


class CannotTell(Exception):
    """Raised by `allow_statements` (and the readers built on it) when the template does not tell."""


def allow_statements(model: TemplateModel, document: Any,
                     refuse: tuple[str, ...] = ("NotAction",)) -> Iterator[tuple[Statement, list[str]]]:
    """(statement, its Action names) for each Allow statement of a policy document node, Deny
    statements skipped. Raises CannotTell, when reached, for a document or statement that cannot be
    read, an Effect neither Allow nor Deny, an Allow statement with one of the `refuse` keys, or an
    Action that is not a known string; lazily, so a caller that stops early is not refused by a
    later statement."""
    found = statements(model, model.branches(document))
    if found is None:
        raise CannotTell
    for stmt in found:
        effect = stmt.effect(model)
        if effect == "Deny":
            continue
        if effect != "Allow" or any(key in stmt.raw for key in refuse):
            raise CannotTell
        actions = stmt.strings(model, "Action")
        if actions is None:
            raise CannotTell
        yield stmt, actions


def grants_service(model: TemplateModel, stmt: Statement, service: str) -> bool | None:
    """Whether an Allow statement's principal includes the service principal (`Service`, or `*`);
    None when the principal cannot be known."""
    principal = stmt.field(model, "Principal")
    if principal is UNKNOWN:
        return None
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    services = [model.one(p) for p in as_list(principal.get("Service", []))]
    if UNKNOWN in services:
        return None
    wildcard = [model.one(p) for p in as_list(principal.get("AWS", []))]
    return service in services or "*" in wildcard
