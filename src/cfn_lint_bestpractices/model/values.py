"""Resolve CloudFormation values into the branches they can take.

A value in a template may hide behind intrinsic functions. `Resolver.branches` turns one value into
the list of values it can take, each with the `Fn::If` conditions that lead to it and the path (below
the starting value) where the leaf sits, so a finding can point at the exact line.

What cannot be known is `UNKNOWN`; `AWS::NoValue` (and a key that is simply not there) is `ABSENT`.
References to resources become strings that carry a token, `⟦LogicalId⟧`, or the resource's literal
name, so two ways of naming the same resource (`!Ref Q`, `!Sub arn:...:${Q.QueueName}`) resolve alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

MAX_BRANCHES = 32


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self):  # keep the singletons singletons across pickling
        return (_sentinel, (self.name,))


UNKNOWN = _Sentinel("UNKNOWN")
ABSENT = _Sentinel("ABSENT")


def _sentinel(name: str) -> _Sentinel:
    return UNKNOWN if name == "UNKNOWN" else ABSENT


TOKEN_OPEN, TOKEN_CLOSE = "\u27e6", "\u27e7"
TOKEN_RE = re.compile(TOKEN_OPEN + "([^" + TOKEN_CLOSE + "]+)" + TOKEN_CLOSE)


def token(name: str) -> str:
    """A stand-in for a value that is fixed at deploy time but not written in the template."""
    return f"{TOKEN_OPEN}{name}{TOKEN_CLOSE}"


def tokens_in(value: str) -> list[str]:
    return TOKEN_RE.findall(value)


def is_literal(value: Any) -> bool:
    """A string written out in full in the template: no stand-in for a resource, a pseudo parameter
    or a zone chosen at deploy time."""
    return isinstance(value, str) and TOKEN_OPEN not in value


def stand_ins(value: Any) -> list[str]:
    """The names of the deploy-time values a resolved string holds ('Queue.Arn', 'AWS::Region')."""
    return tokens_in(value) if isinstance(value, str) else []


def arn_region(value: Any, service: str | None = None) -> str | None:
    """The region of an ARN written out in full (of `service`, when given), else None."""
    if is_literal(value) and value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) > 5 and (service is None or parts[2] == service) and parts[3]:
            return parts[3]
    return None


def whole_reference(value: Any) -> tuple[str, str] | None:
    """(logical id, attribute) when a resolved value is exactly one reference (`!Ref X` gives
    (X, ''), `!GetAtt X.Arn` gives (X, 'Arn')) to a resource whose name the template does not fix."""
    names = stand_ins(value)
    if len(names) == 1 and value == token(names[0]):
        base, _, attr = names[0].partition(".")
        return base, attr
    return None


def capitalized(text: str) -> str:
    """`text` with its first letter upper-cased, to open a message with a label ("event source
    mapping 'M'"); str.capitalize would lower-case the names inside."""
    return text[:1].upper() + text[1:]


def show(value: Any) -> str:
    """A value as a user would write it: tokens shown as `${Name}`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'
    if isinstance(value, str):
        return TOKEN_RE.sub(lambda m: "${" + m.group(1) + "}", value)
    return repr(value)


def quoted(value: Any) -> str:
    """A parameter value in a message: text in single quotes, so that a "when ..." clause reads
    back unambiguously."""
    if isinstance(value, str):
        return "'" + show(value).replace("'", "\\'") + "'" if value != "" else "''"
    return show(value)


Conditions = tuple  # tuple[tuple[str, bool], ...], sorted


@dataclass(frozen=True)
class Branch:
    value: Any
    conditions: Conditions = ()
    path: tuple = ()
    # parameters that were replaced by one of their values: ((name, value), ...)
    params: tuple = field(default=())

    def describe(self) -> str:
        """' when condition X is false' / ' when parameter P is 'v'' (empty for the plain case)."""
        parts = [f"condition '{n}' is {'true' if v else 'false'}" for n, v in self.conditions]
        parts += [f"parameter '{n}' is {quoted(v)}" for n, v in self.params]
        return (" when " + " and ".join(parts)) if parts else ""


def merge_conditions(a: Conditions, b: Conditions) -> Conditions | None:
    """Both sets of conditions at once, or None when they contradict each other."""
    if not a:
        return b
    if not b:
        return a
    merged = dict(a)
    for name, val in b:
        if merged.get(name, val) != val:
            return None
        merged[name] = val
    return tuple(sorted(merged.items()))


def as_list(value: Any) -> list:
    """A value that may be one item or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low == "true":
            return True
        if low == "false":
            return False
    return None


def node_at(node: Any, path: tuple) -> Any:
    """The raw node at `path` below `node` (e.g. the template and a branch's path), None when the
    path does not lead anywhere."""
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def intrinsic(node: Any) -> tuple[str, Any] | tuple[None, None]:
    """('Fn::X', args) for a one-key intrinsic map, else (None, None)."""
    if isinstance(node, dict) and len(node) == 1:
        (key, val), = node.items()
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::") or key == "Condition"):
            return key, val
    return None, None


_PARTITIONS = (("cn-", "aws-cn", "amazonaws.com.cn"), ("us-gov-", "aws-us-gov", "amazonaws.com"))


def partition_of(region: str) -> tuple[str, str]:
    for prefix, partition, suffix in _PARTITIONS:
        if region.startswith(prefix):
            return partition, suffix
    return "aws", "amazonaws.com"


_SUB_RE = re.compile(r"\$\{([^}]*)\}")

# `!Select [i, !GetAZs region]`: the i-th zone of a region, equal to itself and to nothing else
ZONE_PREFIX = "AZ#"


def zone_label(zone: str) -> str:
    """How a message names a zone: its name, or `!Select [i, !GetAZs]` for a symbolic one."""
    names = tokens_in(zone)
    if len(names) == 1 and names[0].startswith(ZONE_PREFIX) and token(names[0]) == zone:
        region, _, index = names[0][len(ZONE_PREFIX):].partition("#")
        return f"!Select [{index}, !GetAZs ''] in {region}"
    return show(zone)


def is_zone(value: Any) -> bool:
    """A zone name written out, or a symbolic zone of `!Select [i, !GetAZs ...]`."""
    if not isinstance(value, str):
        return False
    names = tokens_in(value)
    if not names:
        return True
    return len(names) == 1 and names[0].startswith(ZONE_PREFIX) and token(names[0]) == value


class Resolver:
    """Resolves values of one template. `render_ref(logical_id, attribute)` comes from the model."""

    def __init__(self, template: dict, region: str, render_ref, scenarios=None) -> None:
        self.template = template
        # the solver that decides which scenarios can happen (None: every one can)
        self.scenarios = scenarios
        # the judgement policy of the rule being run: a parameter takes every allowed value (errors:
        # a deployer can choose any) or only its Default (warnings: another value is a choice)
        self.every_value = False
        # whether a condition that compares a parameter is judged at the parameter's Default too (the
        # rules about opt-in exposure), or in every branch (the others: IsProd's branch matters even
        # when the Default is dev)
        self.conditions_at_defaults = False
        params = template.get("Parameters")
        self.parameters = params if isinstance(params, dict) else {}
        mappings = template.get("Mappings")
        self.mappings = mappings if isinstance(mappings, dict) else {}
        resources = template.get("Resources")
        self.resource_ids = set(resources) if isinstance(resources, dict) else set()
        # a resource that exists only in its Condition's scenarios: so do the values naming it
        self.resource_conditions = {
            k: v["Condition"] for k, v in (resources.items() if isinstance(resources, dict) else ())
            if isinstance(v, dict) and isinstance(v.get("Condition"), str)
        }
        self.region = region
        self.partition, self.url_suffix = partition_of(region)
        self.render_ref = render_ref
        self._rendering: set = set()

    # -- public -------------------------------------------------------------------------------
    def declares_condition(self, name: str) -> bool:
        """Whether the template's Conditions section declares `name`."""
        conditions = self.template.get("Conditions")
        return isinstance(conditions, dict) and name in conditions

    def possible(self, conditions: Conditions, params: tuple = ()) -> bool:
        if self.scenarios is None:
            return True
        if conditions and self.conditions_at_defaults and not self.every_value:
            params = params + self.defaults_besides(params)
        return self.scenarios.possible(conditions, params)

    def defaults_besides(self, params: tuple) -> tuple:
        """((name, Default), ...) for each parameter that a condition or a `Rules` assertion compares
        and that `params` does not already choose: with `conditions_at_defaults`, a condition decided by
        a parameter's value is judged at that parameter's Default, as a `Ref` to it is (`!If [MakePublic,
        ...]` with `MakePublic: !Equals [!Ref Public, 'true']` and Public's Default 'false' is judged in
        its false branch only). Parameters without a Default (or of a list or SSM type) stay free."""
        chosen = {name for name, _ in params}
        return tuple(item for item in self._compared_defaults if item[0] not in chosen)

    @property
    def _compared_defaults(self) -> tuple:
        found = getattr(self, "_compared_defaults_cache", None)
        if found is None:
            names: set = set()
            stack = [self.template.get("Conditions"), self.template.get("Rules")]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    ref = node.get("Ref") if len(node) == 1 else None
                    if isinstance(ref, str):
                        names.add(ref)
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
            found = []
            for name in sorted(names):
                param = self.parameters.get(name)
                if not isinstance(param, dict) or "Default" not in param:
                    continue
                ptype, default = param.get("Type"), param["Default"]
                if isinstance(ptype, str) and ptype.startswith(("List<", "CommaDelimitedList", "AWS::SSM::")):
                    continue
                if isinstance(default, (str, int, float, bool)):
                    found.append((name, default))
            found = self._compared_defaults_cache = tuple(found)
        return found

    def together(self, a: Branch, b: Branch) -> Branch | None:
        """One scenario holding both branches' (a's value and path), or None when none can happen:
        contradicting condition values, two values of one parameter, or what the solver rules out."""
        conds = merge_conditions(a.conditions, b.conditions)
        if conds is None:
            return None
        params = consistent(a.params + b.params)
        if params is None:
            return None
        if (b.conditions or b.params) and not self.possible(conds, params):
            return None
        return Branch(a.value, conds, a.path, params)

    def combine(self, *branch_lists: list[Branch]) -> Iterator[tuple[tuple[Branch, ...], Branch]]:
        """Every combination of one branch from each list that can happen, with a Branch carrying
        the scenario of them all (its value and path are those of the first list's branch)."""
        def walk(i: int, chosen: tuple, scenario: Branch):
            if i == len(branch_lists):
                yield chosen, scenario
                return
            for br in branch_lists[i]:
                both = self.together(scenario, br) if i else br
                if both is not None:
                    yield from walk(i + 1, chosen + (br,), both)

        for chosen, scenario in walk(0, (), Branch(None)):
            first = chosen[0] if chosen else Branch(None)
            yield chosen, Branch(first.value, scenario.conditions, first.path, scenario.params)

    def _every(self, every_param_value: bool | None) -> bool:
        return self.every_value if every_param_value is None else every_param_value

    def branches(self, node: Any, every_param_value: bool | None = None) -> list[Branch]:
        """All values `node` can take, each in a scenario that can happen. A parameter contributes
        its Default, and with `every_param_value` (by default: the policy of the rule being run)
        each of its AllowedValues too."""
        out = []
        for b in self._branches(node, (), self._every(every_param_value)):
            params = consistent(b.params) if b.params else ()
            if params is None or ((b.conditions or params) and not self.possible(b.conditions, params)):
                continue
            out.append(b if params == b.params else Branch(b.value, b.conditions, b.path, params))
        if len(out) > MAX_BRANCHES:
            return [Branch(UNKNOWN)]
        return out

    def get(self, node: Any, *keys: Any, every_param_value: bool | None = None) -> list[Branch]:
        """Branches of the value at `keys` below `node`, following `Fn::If` on the way down."""
        current = self.branches(node, every_param_value)
        for key in keys:
            nxt: list[Branch] = []
            for br in current:
                val = br.value
                if val is UNKNOWN or val is ABSENT:
                    nxt.append(br)
                    continue
                if isinstance(key, str) and isinstance(val, dict):
                    if key not in val:
                        nxt.append(Branch(ABSENT, br.conditions, br.path, br.params))
                        continue
                    child = val[key]
                elif isinstance(key, int) and isinstance(val, list):
                    if not 0 <= key < len(val):
                        nxt.append(Branch(ABSENT, br.conditions, br.path, br.params))
                        continue
                    child = val[key]
                else:
                    # a string where a map is expected, and the like: not ours to judge
                    nxt.append(Branch(UNKNOWN, br.conditions, br.path, br.params))
                    continue
                for sub in self.branches(child, every_param_value):
                    both = self.together(br, sub)
                    if both is None:
                        continue
                    nxt.append(Branch(sub.value, both.conditions, br.path + (key,) + sub.path, both.params))
            current = nxt
            if len(current) > MAX_BRANCHES:
                return [Branch(UNKNOWN)]
        return current

    def items(self, node: Any, every_param_value: bool | None = None) -> list[tuple[list[Branch], Conditions, tuple]]:
        """A list value per branch: [(elements, conditions, path)], each element a Branch whose path
        is relative to `node`. Elements that are `AWS::NoValue` are dropped; a branch whose list is
        not a list (unknown, or a scalar) yields elements == [Branch(UNKNOWN)]."""
        result = []
        for br in self.branches(node, every_param_value):
            val = br.value
            if val is ABSENT:
                result.append(([], br.conditions, br.path))
                continue
            if not isinstance(val, list):
                result.append(([Branch(UNKNOWN, br.conditions, br.path)], br.conditions, br.path))
                continue
            elements = []
            for i, item in enumerate(val):
                for sub in self.branches(item, every_param_value):
                    both = self.together(br, sub)
                    if both is None or sub.value is ABSENT:
                        continue
                    elements.append(Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params))
            result.append((elements, br.conditions, br.path))
        return result

    def one(self, node: Any) -> Any:
        """The single value `node` takes, or UNKNOWN when it can take several or is unknown."""
        brs = self.branches(node, False)
        values = {repr(b.value) for b in brs}
        if len(values) == 1:
            return brs[0].value
        return UNKNOWN

    def string(self, node: Any) -> str | None:
        """`node` as a single known string (tokens allowed), or None."""
        val = self.one(node)
        return val if isinstance(val, str) else None

    # -- internals ----------------------------------------------------------------------------
    def _branches(self, node: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        name, args = intrinsic(node)
        if name is None:
            if isinstance(node, str) and "{{resolve:" in node:
                yield Branch(UNKNOWN, conds)
            else:
                yield Branch(node, conds)
            return
        if name == "Fn::If":
            if not (isinstance(args, list) and len(args) == 3 and isinstance(args[0], str)):
                yield Branch(UNKNOWN, conds)
                return
            if not self.declares_condition(args[0]):
                # a condition the template does not declare (stock E1028): the template cannot be
                # deployed, and no scenario decides the branch
                yield Branch(UNKNOWN, conds)
                return
            for index, flag in ((1, True), (2, False)):
                merged = merge_conditions(conds, ((args[0], flag),))
                if merged is None:
                    continue
                for sub in self._branches(args[index], merged, every):
                    yield Branch(sub.value, sub.conditions, ("Fn::If", index) + sub.path, sub.params)
            return
        if name == "Ref":
            yield from self._ref(args, conds, every)
            return
        if name == "Fn::GetAtt":
            target = _getatt_target(args)
            yield from self._existing(target, self._getatt(args), conds)
            return
        if name in ("Fn::Sub", "Fn::Join", "Fn::Select", "Fn::FindInMap", "Fn::Split"):
            handler = {
                "Fn::Sub": self._sub,
                "Fn::Join": self._join,
                "Fn::Select": self._select,
                "Fn::FindInMap": self._findinmap,
                "Fn::Split": self._split,
            }[name]
            produced = 0
            for sub in handler(args, conds, every):
                produced += 1
                if produced > MAX_BRANCHES:
                    yield Branch(UNKNOWN, conds)
                    return
                yield sub
            return
        # Fn::ImportValue, Fn::GetAZs, Fn::Base64, Fn::Cidr, Fn::Transform, conditions, ...
        yield Branch(UNKNOWN, conds)

    def _existing(self, logical_id: str | None, value: Any, conds: Conditions) -> Iterator[Branch]:
        """A value naming a resource, in the scenarios in which that resource exists."""
        cond = self.resource_conditions.get(logical_id) if logical_id else None
        if cond:
            conds = merge_conditions(conds, ((cond, True),))
            if conds is None:
                return
        yield Branch(value, conds)

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return ABSENT
        if name == "AWS::Partition":
            return self.partition
        if name == "AWS::URLSuffix":
            return self.url_suffix
        if name in ("AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId"):
            return token(name)
        return UNKNOWN  # AWS::NotificationARNs and anything new

    def _ref(self, target: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if not isinstance(target, str):
            yield Branch(UNKNOWN, conds)
            return
        if target.startswith("AWS::"):
            yield Branch(self._pseudo(target), conds)
            return
        if target in self.parameters:
            yield from self._param(target, conds, every)
            return
        if target in self.resource_ids:
            yield from self._existing(target, self._render(target, "Ref"), conds)
            return
        base, _, suffix = target.partition(".")
        if suffix in ("Alias", "Version") and base in self.resource_ids:
            # SAM's `!Ref Function.Alias` / `!Ref Function.Version` (AutoPublishAlias)
            yield from self._existing(base, self._render(base, suffix), conds)
            return
        yield Branch(UNKNOWN, conds)

    def _param(self, name: str, conds: Conditions, every: bool) -> Iterator[Branch]:
        param = self.parameters.get(name)
        if not isinstance(param, dict):
            yield Branch(UNKNOWN, conds)
            return
        ptype = param.get("Type")
        candidates = []
        if "Default" in param:
            candidates.append(param["Default"])
        if every and isinstance(param.get("AllowedValues"), list):
            candidates += [v for v in param["AllowedValues"] if v not in candidates]
        if not candidates:
            yield Branch(UNKNOWN, conds)
            return
        for raw in candidates:
            value = raw
            if isinstance(value, (dict, list)):
                yield Branch(UNKNOWN, conds)
                continue
            if isinstance(ptype, str) and ptype.startswith(("List<", "CommaDelimitedList")):
                value = [v.strip() for v in str(value).split(",")] if value != "" else []
            elif isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter"):
                yield Branch(UNKNOWN, conds)  # the default names the SSM parameter, not its value
                continue
            yield Branch(value, conds, (), ((name, raw),))

    def _render(self, logical_id: str, attribute: str) -> Any:
        key = (logical_id, attribute)
        if key in self._rendering:  # a name that refers to itself
            return UNKNOWN
        self._rendering.add(key)
        try:
            return self.render_ref(logical_id, attribute)
        finally:
            self._rendering.discard(key)

    def _getatt(self, args: Any) -> Any:
        if isinstance(args, str) and "." in args:
            args = args.split(".", 1)
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)):
            return UNKNOWN
        if not isinstance(args[1], str):
            return UNKNOWN
        if args[0] not in self.resource_ids:
            return UNKNOWN
        return self._render(args[0], args[1])

    def _strings(self, values: list[Any], conds: Conditions, every: bool) -> Iterator[tuple[list, Conditions, tuple]]:
        """Every combination of the values' branches: (resolved list, conditions, params)."""
        combos: list[tuple[list, Conditions, tuple]] = [([], conds, ())]
        for value in values:
            nxt = []
            for resolved, c, p in combos:
                for br in self._branches(value, c, every):
                    nxt.append((resolved + [br.value], br.conditions, p + br.params))
            combos = nxt
            if len(combos) > MAX_BRANCHES:
                yield ([UNKNOWN], conds, ())
                return
        yield from combos

    def _sub(self, args: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if isinstance(args, str):
            text, variables = args, {}
        elif isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], dict):
            text, variables = args
        else:
            yield Branch(UNKNOWN, conds)
            return
        names = []
        for m in _SUB_RE.finditer(text):
            inner = m.group(1)
            if not inner.startswith("!") and inner not in names:
                names.append(inner)
        nodes = []
        for inner in names:
            if inner in variables:
                nodes.append(variables[inner])
            elif "." in inner:
                nodes.append({"Fn::GetAtt": inner.split(".", 1)})
            else:
                nodes.append({"Ref": inner.strip()})
        for values, c, p in self._strings(nodes, conds, every):
            if any(not isinstance(v, (str, int, float)) or isinstance(v, bool) for v in values):
                yield Branch(UNKNOWN, c)
                continue
            lookup = dict(zip(names, (str(v) for v in values)))

            def repl(m, lookup=lookup):
                inner = m.group(1)
                if inner.startswith("!"):
                    return "${" + inner[1:] + "}"
                return lookup[inner]

            yield Branch(_SUB_RE.sub(repl, text), c, (), p)

    def _join(self, args: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)):
            yield Branch(UNKNOWN, conds)
            return
        delimiter, parts = args
        for lst in self._branches(parts, conds, every):
            if not isinstance(lst.value, list):
                yield Branch(UNKNOWN, lst.conditions)
                continue
            for values, c, p in self._strings(lst.value, lst.conditions, every):
                flat = []
                for v in values:
                    if v is ABSENT:
                        continue
                    flat.append(v)
                if any(not isinstance(v, (str, int, float)) or isinstance(v, bool) for v in flat):
                    yield Branch(UNKNOWN, c)
                    continue
                yield Branch(delimiter.join(str(v) for v in flat), c, (), lst.params + p)

    def _select(self, args: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if not (isinstance(args, list) and len(args) == 2):
            yield Branch(UNKNOWN, conds)
            return
        index_node, list_node = args
        name, inner = intrinsic(list_node)
        for idx in self._branches(index_node, conds, every):
            index = as_int(idx.value)
            if index is None:
                yield Branch(UNKNOWN, idx.conditions)
                continue
            if name == "Fn::GetAZs":
                # which zone is unknown, but two selects with the same index of the same region's
                # zones name the same zone
                region = self.one(inner) if inner not in ("", None) else self.region
                if not isinstance(region, str):
                    yield Branch(UNKNOWN, idx.conditions)
                    continue
                region = self.region if region in ("", token("AWS::Region")) else region
                yield Branch(token(f"{ZONE_PREFIX}{region}#{index}"), idx.conditions)
                continue
            for lst in self._branches(list_node, idx.conditions, every):
                if isinstance(lst.value, list) and 0 <= index < len(lst.value):
                    for el in self._branches(lst.value[index], lst.conditions, every):
                        yield Branch(el.value, el.conditions, (), idx.params + lst.params + el.params)
                else:
                    yield Branch(UNKNOWN, lst.conditions)

    def _split(self, args: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and args[0]):
            yield Branch(UNKNOWN, conds)
            return
        for src in self._branches(args[1], conds, every):
            if isinstance(src.value, str):
                yield Branch(src.value.split(args[0]), src.conditions, (), src.params)
            else:
                yield Branch(UNKNOWN, src.conditions)

    def _findinmap(self, args: Any, conds: Conditions, every: bool) -> Iterator[Branch]:
        if not (isinstance(args, list) and len(args) in (3, 4)):
            yield Branch(UNKNOWN, conds)
            return
        for keys, c, p in self._strings(list(args[:3]), conds, every):
            if not all(isinstance(k, str) and not tokens_in(k) for k in keys):
                yield Branch(UNKNOWN, c)
                continue
            level: Any = self.mappings
            for k in keys:
                level = level.get(k, UNKNOWN) if isinstance(level, dict) else UNKNOWN
            if level is UNKNOWN:
                yield Branch(UNKNOWN, c)
                continue
            for br in self._branches(level, c, every):
                yield Branch(br.value, br.conditions, (), p + br.params)


def _getatt_target(args: Any) -> str | None:
    if isinstance(args, str):
        return args.split(".", 1)[0]
    if isinstance(args, list) and args and isinstance(args[0], str):
        return args[0]
    return None


def known(branches: Iterable[Branch]) -> list[Branch]:
    return [b for b in branches if b.value is not UNKNOWN]


def combine(*branch_lists: list[Branch]) -> Iterator[tuple[tuple[Branch, ...], Branch]]:
    """Combinations of one branch from each list whose condition values and parameter choices agree,
    without asking the solver: use `TemplateModel.combine`, which also drops what cannot happen."""
    return Resolver({}, "us-east-1", lambda *_: UNKNOWN).combine(*branch_lists)


def consistent(params: tuple) -> tuple | None:
    """Parameter choices without repeats, or None when one parameter is given two values."""
    out: list = []
    names: dict = {}
    for name, value in params:
        if name in names:
            if names[name] != value:
                return None
            continue
        names[name] = value
        out.append((name, value))
    return tuple(out)
