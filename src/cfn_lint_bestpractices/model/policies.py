"""Policy documents (IAM policies, queue, topic, bucket and key policies) read statement by statement,
each statement in the scenario in which it holds. One reader for every rule that looks into a policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .template import TemplateModel
from .values import ABSENT, UNKNOWN, Branch, as_list


@dataclass
class Statement:
    raw: dict  # the statement, its values unresolved
    scenario: Branch  # in which it holds (value: None)

    def field(self, model: TemplateModel, key: str) -> Any:
        """A field's single value (UNKNOWN when it varies or cannot be known, ABSENT when missing)."""
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
            for st in model.branches(node):
                if st.value is ABSENT:
                    continue
                if not isinstance(st.value, dict):
                    return None
                both = model.together(Branch(None, st.conditions, (), st.params), scope)
                if both is None:
                    continue
                base = doc.path + listed.path
                path = base + ((i,) if isinstance(listed.value, list) else ()) + st.path
                out.append((Statement(st.value, both), path))
    return out


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
