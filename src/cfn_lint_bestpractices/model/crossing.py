"""How one template's model reads the other stacks of its application.

- `qualify(node, owner, viewer)` rewrites a raw node of stack `owner` so that `viewer`'s resolver can
  read it: names of `owner` become `Name@owner` (resources, parameters, conditions, mappings,
  `AWS::StackName`), names of `viewer` stay plain, and what crosses statically (an import of a known
  export, a `Fn::GetStackOutput`, a parameter its parent binds, `!GetAtt Child.Outputs.X`) is replaced
  by the value it reads, itself qualified. So another stack's resource that names one of the viewer's
  resources through an export names it directly, as a local resource would.
- `AppResolver` resolves what is left at resolution time, in the viewer's scenarios: `Fn::ImportValue`
  of a name that depends on a parameter, `Fn::GetStackOutput`, the viewer's own bound parameters and
  child outputs, and `Name@key` references.
- `AppScenarios` asks each stack's solver about that stack's conditions and parameters (a scenario of
  several stacks can happen when each stack's part can), with the values a parent binds fixed, a
  binding with branches (`!If [IsProd, long, medium]`) taken branch by branch with the parent's
  conditions of each, and, for a condition judged at the Defaults, each stack's compared parameters
  at their own Defaults (a bound one at its parent's value, never its own Default).
- `StackModel.exists` adds to a resource's Condition the conditions under which its stack is deployed
  at all: the Condition of the nested stack resource that deploys it (and its ancestors'), of an
  output it imports or reads by Fn::GetStackOutput, of a child's output it reads with `!GetAtt
  Child.Outputs.X` (CloudFormation refuses the stack where that output does not exist).
- `StackModel` is a `TemplateModel` whose resources answer `Name@key` too. Its `wide` form also lists
  the resources of the stacks directly connected to it, so that a rule relating resources sees the
  queue in another stack that its function consumes, or the permission there that lets its bucket
  invoke it, without knowing where either lives; the rule base class keeps only findings about local
  resources.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Iterator

from .application import SEP, Application, Stack, qualified, split_name
from .template import Resource, TemplateModel
from .scenarios import Implications
from .values import TOKEN_RE, UNKNOWN, Branch, Resolver, intrinsic, merge_conditions, token

PSEUDO_PER_STACK = ("AWS::StackName", "AWS::StackId")
LIST_TYPES = ("List<", "CommaDelimitedList")
_UNRESOLVABLE = {"Fn::CannotResolve": None}
MAX_DEPTH = 8


# -- qualifying nodes of another stack --------------------------------------------------------------
def qualify(node: Any, owner: Stack, viewer: Stack, app: Application, depth: int = 0) -> Any:
    """`node` of `owner` as `viewer` reads it (see the module's docstring)."""
    if owner is viewer:
        return node
    if depth > MAX_DEPTH:
        return dict(_UNRESOLVABLE)
    if isinstance(node, list):
        return [qualify(item, owner, viewer, app, depth) for item in node]
    if not isinstance(node, dict):
        return node
    name, args = intrinsic(node)
    if name is None:
        return {key: qualify(value, owner, viewer, app, depth) for key, value in node.items()}
    q = lambda n: qualify(n, owner, viewer, app, depth)  # noqa: E731
    if name == "Ref":
        return _qualify_ref(args, owner, viewer, app, depth)
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else args
        if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
            out = _child_output(owner, parts[0], parts[1], viewer, app, depth)
            if out is not None:
                return out
            if parts[0] in owner.summary.resources:
                return {"Fn::GetAtt": [local_name(parts[0], owner, viewer), q(parts[1])]}
        return {"Fn::GetAtt": q(args)}
    if name == "Fn::Sub":
        return _qualify_sub(args, owner, viewer, app, depth)
    if name == "Fn::If" and isinstance(args, list) and args and isinstance(args[0], str):
        return {"Fn::If": [qualified(args[0], owner.key)] + [q(a) for a in args[1:]]}
    if name == "Condition" and isinstance(args, str):
        return {"Condition": qualified(args, owner.key)}
    if name == "Fn::FindInMap" and isinstance(args, list) and args and isinstance(args[0], str):
        return {"Fn::FindInMap": [qualified(args[0], owner.key)] + [q(a) for a in args[1:]]}
    if name == "Fn::ImportValue":
        names = app.static_names(owner, args)
        hit = app.export(names[0]) if len(names) == 1 and not _depends_on_parameters(app, owner, args) else None
        if hit is not None:
            producer, output = hit
            return qualify(app.output_of(producer, output).value, producer, viewer, app, depth + 1)
        return {"Fn::ImportValue": q(args)}
    if name == "Fn::GetStackOutput" and isinstance(args, dict):
        producer, output = _stack_output(app, owner, args)
        if producer is not None:
            return qualify(producer.summary.outputs[output].value, producer, viewer, app, depth + 1)
        return {"Fn::GetStackOutput": q(args)}
    return {name: q(args)}


def stacks_named(nodes: Any) -> set[str]:
    """The stack keys of the qualified names a node holds."""
    out: set[str] = set()
    todo = [nodes]
    while todo:
        cur = todo.pop()
        if isinstance(cur, list):
            todo.extend(cur)
        elif isinstance(cur, dict):
            name, args = intrinsic(cur)
            names = []
            if name == "Ref" and isinstance(args, str):
                names = [args.split(".", 1)[0]]
            elif name == "Fn::GetAtt" and isinstance(args, list) and args and isinstance(args[0], str):
                names = [args[0]]
            elif name == "Fn::Sub":
                text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args else "")
                names = [m.split(".", 1)[0] for m in re.findall(r"\$\{([^}!]*)\}", text if isinstance(text, str) else "")]
            for n in names:
                key = split_name(n)[1]
                if key:
                    out.add(key)
            todo.extend(cur.values())
    return out


def expand(node: Any, stack: Stack, app: Application, depth: int = 0) -> Any:
    """A node of `stack` itself with what crosses statically replaced by the value it reads (qualified):
    an import of a known export, a Fn::GetStackOutput, a bound parameter, a child's output. The names
    of `stack` stay plain. Reference indexes walk it, so that an import names its resource."""
    if depth > MAX_DEPTH:
        return node
    if isinstance(node, list):
        return [expand(item, stack, app, depth) for item in node]
    if not isinstance(node, dict):
        return node
    name, args = intrinsic(node)
    if name in ("Fn::ImportValue", "Fn::GetStackOutput"):
        out = qualify(node, stack, _Alias(stack), app)
        return node if intrinsic(out)[0] == name else _plain(out, stack)
    if name == "Ref" and isinstance(args, str) and stack.binding(args) is not None:
        return qualify(bound_value(stack, args), stack.parent, stack, app, depth + 1)
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else args
        if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
            out = _child_output(stack, parts[0], parts[1], stack, app, depth)
            if out is not None:
                return out
        return node
    if name is None:
        return {k: expand(v, stack, app, depth) for k, v in node.items()}
    return {name: expand(args, stack, app, depth)}


class _Alias:
    """`stack` seen from outside (its own names get qualified), to reuse `qualify` on its own nodes."""

    def __init__(self, stack: Stack) -> None:
        self.key = ""
        self.parent = None


def _plain(node: Any, stack: Stack) -> Any:
    """A node qualified for `_Alias(stack)` with `stack`'s own names plain again."""
    suffix = SEP + stack.key
    if isinstance(node, list):
        return [_plain(n, stack) for n in node]
    if isinstance(node, dict):
        name, args = intrinsic(node)
        if name == "Ref" and isinstance(args, str):
            base, dot, rest = args.partition(".")
            return {"Ref": (base[: -len(suffix)] if base.endswith(suffix) else base) + dot + rest}
        if name == "Fn::GetAtt" and isinstance(args, list) and args and isinstance(args[0], str) \
                and args[0].endswith(suffix):
            return {"Fn::GetAtt": [args[0][: -len(suffix)]] + [_plain(a, stack) for a in args[1:]]}
        return {k: _plain(v, stack) for k, v in node.items()}
    return node


def local_name(name: str, owner: Stack, viewer: Stack) -> str:
    return name if owner is viewer else qualified(name, owner.key)


def _qualify_ref(target: Any, owner: Stack, viewer: Stack, app: Application, depth: int) -> Any:
    if not isinstance(target, str):
        return {"Ref": qualify(target, owner, viewer, app, depth)}
    if target.startswith("AWS::"):
        return {"Ref": qualified(target, owner.key)} if target in PSEUDO_PER_STACK else {"Ref": target}
    if target in owner.summary.parameters:
        bound = bound_value(owner, target)
        if bound is not None:
            return qualify(bound, owner.parent, viewer, app, depth + 1)
        return {"Ref": qualified(target, owner.key)}
    base, dot, suffix = target.partition(".")
    if base in owner.summary.resources:
        return {"Ref": local_name(base, owner, viewer) + dot + suffix}
    return {"Ref": target}


def bound_value(stack: Stack, param: str) -> Any:
    """The parent's node for a bound parameter, read the way the child's parameter type reads it (a
    list parameter splits the parent's comma-separated text), or None."""
    node = stack.binding(param)
    if node is None:
        return None
    decl = stack.summary.parameters.get(param) or {}
    ptype = decl.get("Type")
    if isinstance(ptype, str) and ptype.startswith(LIST_TYPES) and not isinstance(node, list):
        return {"Fn::Split": [",", node]}
    return node


def _child_output(owner: Stack, base: str, attribute: Any, viewer: Stack, app: Application, depth: int) -> Any:
    """`!GetAtt Child.Outputs.X` of a nested stack resource of `owner`: the child's output value."""
    if not (isinstance(attribute, str) and attribute.startswith("Outputs.")):
        return None
    child = owner.children.get(base)
    if child is None:
        return None
    output = child.summary.outputs.get(attribute[len("Outputs."):])
    if output is None:
        return None
    return qualify(output.value, child, viewer, app, depth + 1)


def _qualify_sub(args: Any, owner: Stack, viewer: Stack, app: Application, depth: int) -> Any:
    if isinstance(args, str):
        text, variables = args, {}
    elif isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], dict):
        text, variables = args[0], dict(args[1])
    else:
        return {"Fn::Sub": qualify(args, owner, viewer, app, depth)}
    out_vars = {k: qualify(v, owner, viewer, app, depth) for k, v in variables.items()}
    extra: dict[str, Any] = {}

    def rename(inner: str) -> str:
        if inner.startswith("!") or inner in variables:
            return inner
        base, dot, attr = inner.partition(".")
        if base.startswith("AWS::"):
            return qualified(inner, owner.key) if inner in PSEUDO_PER_STACK else inner
        if base in owner.summary.parameters and not dot:
            bound = bound_value(owner, base)
            if bound is not None:  # the parent's value goes in as a variable of the Sub
                var = f"{base}__bound"
                extra[var] = qualify(bound, owner.parent, viewer, app, depth + 1)
                return var
            return qualified(base, owner.key)
        if dot and attr.startswith("Outputs.") and base in owner.children:
            value = _child_output(owner, base, attr, viewer, app, depth)
            if value is not None:
                var = f"{base}__{attr.replace('.', '_')}"
                extra[var] = value
                return var
        if base in owner.summary.resources:
            return local_name(base, owner, viewer) + dot + attr
        return inner

    new_text = re.sub(r"\$\{([^}]*)\}", lambda m: "${" + rename(m.group(1)) + "}", text)
    out_vars.update(extra)
    return {"Fn::Sub": [new_text, out_vars] if out_vars else new_text}


def _depends_on_parameters(app: Application, stack: Stack, node: Any) -> bool:
    """Whether a name node reads a parameter (then which export it names is decided per scenario, at
    resolution time)."""
    return any(b.params for b in app.name_resolver(stack).branches(node, True))


def _stack_output(app: Application, owner: Stack, args: dict) -> tuple[Stack | None, str]:
    names = app.static_names(owner, args.get("StackName"))
    outputs = app.static_names(owner, args.get("OutputName"))
    if len(names) != 1 or len(outputs) != 1:
        return None, ""
    producer = app.by_name.get(names[0])
    if producer is None or outputs[0] not in producer.summary.outputs:
        return None, ""
    return producer, outputs[0]


# -- resolving in a viewing stack -----------------------------------------------------------------
class AppResolver(Resolver):
    """A template's resolver that also reads the other stacks of its application."""

    def __init__(self, template: dict, region: str, render_ref, scenarios, app: Application, stack: Stack,
                 model: "StackModel") -> None:
        super().__init__(template, region, render_ref, scenarios)
        self.app = app
        self.stack = stack
        self.model = model
        self._crossings = 0

    def declares_condition(self, name: str) -> bool:
        """A condition of another stack (`IsProd@Other`, what `qualify` writes) is that stack's own:
        AppScenarios judges it; a plain name is this template's."""
        return split_name(name)[1] is not None or super().declares_condition(name)

    def possible(self, conditions, params: tuple = ()) -> bool:
        """As a template's resolver, with the parameters at their Defaults (for a condition judged at
        the Defaults) taken per stack by AppScenarios: a parameter that a parent binds takes the
        parent's value, never its own Default, and another stack's conditions are judged at that
        stack's Defaults too."""
        if self.scenarios is None:
            return True
        at_defaults = bool(conditions) and self.conditions_at_defaults and not self.every_value
        return self.scenarios.possible(conditions, params, at_defaults)

    def _branches(self, node: Any, conds: tuple, every: bool) -> Iterator[Branch]:
        name, args = intrinsic(node)
        if name == "Fn::ImportValue":
            yield from self._import(args, conds, every)
            return
        if name == "Fn::GetStackOutput":
            yield from self._stack_output(args, conds, every)
            return
        if name == "Ref" and isinstance(args, str):
            handled = self._crossing_ref(args, conds, every)
            if handled is not None:
                yield from handled
                return
        if name == "Fn::GetAtt":
            parts = args.split(".", 1) if isinstance(args, str) else args
            if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
                handled = self._crossing_getatt(parts[0], parts[1], conds, every)
                if handled is not None:
                    yield from handled
                    return
        if name == "Fn::FindInMap" and isinstance(args, list) and args and isinstance(args[0], str) and SEP in args[0]:
            yield from self._remote_map(args, conds, every)
            return
        yield from super()._branches(node, conds, every)

    def _read(self, node: Any, owner: Stack, conds: tuple, every: bool) -> Iterator[Branch]:
        """Branches of a node of `owner`, read here. Values that cross again and again (an export that
        imports itself through other stacks) end as unknown."""
        if self._crossings >= MAX_DEPTH:
            yield Branch(UNKNOWN, conds)
            return
        self._crossings += 1
        try:
            found = list(self._branches(qualify(node, owner, self.stack, self.app), conds, every))
        finally:
            self._crossings -= 1
        yield from found

    def _import(self, args: Any, conds: tuple, every: bool) -> Iterator[Branch]:
        for br in self._branches(args, conds, every):
            name = self.app.concrete(br.value, self.stack)
            hit = self.app.export(name) if name is not None else None
            if hit is None:
                yield Branch(UNKNOWN, br.conditions, (), br.params)
                continue
            producer, output = hit
            for sub in self._read(self.app.output_of(producer, output).value, producer, br.conditions, every):
                yield Branch(sub.value, sub.conditions, (), br.params + sub.params)

    def _stack_output(self, args: Any, conds: tuple, every: bool) -> Iterator[Branch]:
        if not isinstance(args, dict):
            yield Branch(UNKNOWN, conds)
            return
        names = [self.app.concrete(b.value, self.stack) for b in self._branches(args.get("StackName"), conds, every)]
        outputs = [b.value for b in self._branches(args.get("OutputName"), conds, every)]
        producer = self.app.by_name.get(names[0]) if len(names) == 1 and names[0] else None
        if producer is None or len(outputs) != 1 or outputs[0] not in producer.summary.outputs:
            yield Branch(UNKNOWN, conds)
            return
        yield from self._read(producer.summary.outputs[outputs[0]].value, producer, conds, every)

    def _crossing_ref(self, target: str, conds: tuple, every: bool):
        base, dot, suffix = target.partition(".")
        name, key = split_name(base)
        if key is None:
            if not dot and target in self.parameters and self.stack.binding(target) is not None:
                return self._read(bound_value(self.stack, target), self.stack.parent, conds, every)
            return None
        owner = self.app.by_key.get(key)
        if owner is None:
            return iter([Branch(UNKNOWN, conds)])
        if name in PSEUDO_PER_STACK and not dot:
            if name == "AWS::StackName" and owner.stack_name:
                return iter([Branch(owner.stack_name, conds)])
            return iter([Branch(token(base), conds)])
        if name in owner.summary.parameters and not dot:
            bound = bound_value(owner, name)
            if bound is not None:
                return self._read(bound, owner.parent, conds, every)
            return self._remote_param(owner, name, conds, every)
        if name in owner.summary.resources:
            return self._existing(base, self._render(base, suffix if dot else "Ref"), conds)
        return iter([Branch(UNKNOWN, conds)])

    def _crossing_getatt(self, base: str, attribute: Any, conds: tuple, every: bool):
        name, key = split_name(base)
        owner = self.stack if key is None else self.app.by_key.get(key)
        if owner is None:
            return iter([Branch(UNKNOWN, conds)])
        if isinstance(attribute, str) and attribute.startswith("Outputs.") and name in owner.children:
            child = owner.children[name]
            output = child.summary.outputs.get(attribute[len("Outputs."):])
            if output is None:
                return iter([Branch(UNKNOWN, conds)])
            link_cond = owner.summary.resources.get(name, ("", None, None))[1]  # the nested stack's Condition
            if link_cond:
                conds = merge_conditions(conds, ((local_name(link_cond, owner, self.stack), True),))
                if conds is None:
                    return iter(())
            return self._read(output.value, child, conds, every)
        if key is None:
            return None
        if name in owner.summary.resources and isinstance(attribute, str):
            return self._existing(base, self._render(base, attribute), conds)
        return iter([Branch(UNKNOWN, conds)])

    def _remote_param(self, owner: Stack, name: str, conds: tuple, every: bool) -> Iterator[Branch]:
        """A parameter of another stack that no parent binds: its Default (and allowed values), as
        the policy of the rule being run says, under its qualified name."""
        saved = self.parameters
        self.parameters = {qualified(name, owner.key): owner.summary.parameters[name]}
        try:
            out = list(self._param(qualified(name, owner.key), conds, every))
        finally:
            self.parameters = saved
        return iter(out)

    def _remote_map(self, args: list, conds: tuple, every: bool) -> Iterator[Branch]:
        name, key = split_name(args[0])
        owner = self.app.by_key.get(key or "")
        mapping = owner.summary.mappings.get(name) if owner is not None else None
        if not isinstance(mapping, dict) or len(args) not in (3, 4):
            yield Branch(UNKNOWN, conds)
            return
        for keys, c, p in self._strings(list(args[1:3]), conds, every):
            level: Any = mapping
            for k in keys:
                level = level.get(k, UNKNOWN) if isinstance(level, dict) and isinstance(k, str) else UNKNOWN
            if level is UNKNOWN:
                yield Branch(UNKNOWN, c)
                continue
            for br in self._read(level, owner, c, every):
                yield Branch(br.value, br.conditions, (), p + br.params)

    def _existing(self, logical_id: str | None, value: Any, conds: tuple) -> Iterator[Branch]:
        if logical_id and SEP in logical_id:
            res = self.model.resources.get(logical_id)
            cond = res.condition if res is not None else None
            if cond:
                conds = merge_conditions(conds, ((cond, True),))
                if conds is None:
                    return
            yield Branch(value, conds)
            return
        yield from super()._existing(logical_id, value, conds)


# -- scenarios across stacks -------------------------------------------------------------------------
class AppScenarios(Implications):
    """Whether a scenario of several stacks can happen: each stack's solver decides that stack's
    conditions and parameters (names `Name@key`), with the values its parent binds fixed."""

    def __init__(self, local: Any, app: Application, stack: Stack, every) -> None:
        self.local = local
        self.app = app
        self.stack = stack
        self._every = every  # the judgement policy of the rule being run (a callable)
        self._fixed: dict = {}

    def __getattr__(self, name: str) -> Any:  # anything else the solver offers
        return getattr(self.local, name)

    @property
    def names(self):
        return self.local.names

    def fixed(self, stack: Stack) -> tuple:
        """(parameter, value) for each parameter of `stack` that its parent binds to one known value:
        a literal, or a parent parameter at its Default (when parameters are judged at their Default)."""
        every = bool(self._every())
        key = (stack.key, every)
        hit = self._fixed.get(key)
        if hit is not None:
            return hit
        out = []
        for param in stack.summary.parameters:
            node = stack.binding(param)
            value = _known_value(node, stack.parent, every)
            if value is not None:
                out.append((param, value))
        self._fixed[key] = tuple(out)
        return self._fixed[key]

    def defaults(self, stack: Stack) -> tuple:
        """(parameter, Default) for each parameter of `stack` that a condition compares and that no
        parent binds (a bound one takes the parent's value: `fixed`)."""
        hit = self._fixed.get(("defaults", stack.key))
        if hit is None:
            found = self.app.name_resolver(stack).defaults_besides(())
            hit = self._fixed[("defaults", stack.key)] = tuple(d for d in found if stack.binding(d[0]) is None)
        return hit

    def possible(self, conditions: tuple = (), params: tuple = (), at_defaults: bool = False) -> bool:
        """`at_defaults`: each stack's compared parameters that the scenario does not choose are at
        their Defaults (a condition judged at the Defaults, see Resolver.defaults_besides)."""
        groups: dict[str | None, tuple[list, list]] = {}
        for name, value in conditions:
            base, key = split_name(name)
            groups.setdefault(key, ([], []))[0].append((base, value))
        for name, value in params:
            base, key = split_name(name)
            groups.setdefault(key, ([], []))[1].append((base, value))
        constraints = self._bound_choices(groups)
        if not constraints:
            return self._each_possible(groups, at_defaults)
        # a parameter that the parent binds to one of several values (`!If [IsProd, long, medium]`):
        # the scenario can happen if it can with one branch of the binding, the parent's conditions of
        # that branch holding too
        for combo in itertools.product(*(options for _, _, options in constraints)):
            tried = {k: (list(c), list(p)) for k, (c, p) in groups.items()}
            for (stack, param, _), (value, owner, pconds, pparams) in zip(constraints, combo):
                tried.setdefault(self._key_of(stack), ([], []))[1].append((param, value))
                parent = tried.setdefault(self._key_of(owner), ([], []))
                parent[0].extend(pconds)
                parent[1].extend(pparams)
            if all(len({v for n, v in c if n == name}) == 1 for c, _ in tried.values() for name, _ in c) \
                    and self._each_possible(tried, at_defaults):
                return True
        return False

    def _key_of(self, stack: Stack) -> str | None:
        return None if stack is self.stack else stack.key

    def _each_possible(self, groups: dict, at_defaults: bool) -> bool:
        for key, (conds, prms) in groups.items():
            stack = self.stack if key is None else self.app.by_key.get(key)
            if stack is None:
                continue
            solver = self.local if key is None else self.app.scenarios_of(stack)
            named = {n for n, _ in prms}
            prms = prms + [f for f in self.fixed(stack) if f[0] not in named]
            if at_defaults:
                named |= {n for n, _ in prms}
                prms = prms + [d for d in self.defaults(stack) if d[0] not in named]
            if not solver.possible(tuple(sorted(set(conds))), tuple(prms)):
                return False
        return True

    def _bound_choices(self, groups: dict) -> list:
        """(stack, parameter, [(value, deciding stack, its conditions, its parameters), ...]) for each
        parameter that a condition of a stack in the scenario compares, that the scenario does not
        choose, and that the stack's parent binds to a value with branches, each a literal
        (`_binding_options`); none past 64 combinations (the parameters then stay free)."""
        out = []
        for key, (conds, prms) in list(groups.items()):
            stack = self.stack if key is None else self.app.by_key.get(key)
            if stack is None or stack.parent is None or not conds:
                continue
            named = {n for n, _ in prms} | {n for n, _ in self.fixed(stack)}
            for param in self._compared(stack):
                if param in named or stack.binding(param) is None:
                    continue
                options = self._binding_options(stack, param)
                if options:
                    out.append((stack, param, options))
        total = 1
        for _, _, options in out:
            total *= len(options)
        return out if total <= 64 else []

    def _compared(self, stack: Stack) -> list[str]:
        hit = self._fixed.get(("compared", stack.key))
        if hit is None:
            found: set = set()
            todo = [stack.template.get("Conditions") if isinstance(stack.template, dict) else None]
            while todo:
                node = todo.pop()
                if isinstance(node, dict):
                    if len(node) == 1 and isinstance(node.get("Ref"), str):
                        found.add(node["Ref"])
                    todo.extend(node.values())
                elif isinstance(node, list):
                    todo.extend(node)
            hit = self._fixed[("compared", stack.key)] = sorted(found & set(stack.summary.parameters))
        return hit

    def _binding_options(self, stack: Stack, param: str, depth: int = 0) -> list | None:
        """Each branch of the parent's binding of `param` as (value, the stack that decides it, its
        conditions, its parameters), when each is a literal that the parent decides, or that an
        ancestor decides when the parent passes on its own bound parameter (`Size: !Ref Size`); None
        otherwise (the parameter stays free)."""
        every = bool(self._every())
        key = ("options", stack.key, param, every)
        if key in self._fixed:
            return self._fixed[key]
        parent = stack.parent
        node = bound_value(stack, param)
        name, args = intrinsic(node)
        if name == "Ref" and isinstance(args, str) and parent.binding(args) is not None and depth < MAX_DEPTH:
            self._fixed[key] = None  # a cycle leaves it free
            known = _known_value(parent.binding(args), parent.parent, every)
            hit = self._fixed[key] = [(known, parent.parent, (), ())] if known is not None else \
                self._binding_options(parent, args, depth + 1)
            return hit
        out: list | None = []
        for br in self.app.name_resolver(parent).branches(node, every):
            if isinstance(br.value, bool) or not isinstance(br.value, (str, int, float)) \
                    or (isinstance(br.value, str) and TOKEN_RE.search(br.value)) \
                    or any(parent.binding(n) is not None for n, _ in br.params):
                out = None
                break
            out.append((str(br.value), parent, tuple(br.conditions), tuple(br.params)))
        self._fixed[key] = out
        return out


def _unconditional_child_outputs(stack: Stack) -> list[tuple[str, str]]:
    """(nested stack resource, output name) of each `!GetAtt Child.Outputs.X` (or `${Child.Outputs.X}`)
    that `stack` evaluates in every scenario in which it is deployed: in a resource or output without a
    Condition, outside any Fn::If."""
    found: list = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        name, args = intrinsic(node)
        if name == "Fn::If":
            return
        if name == "Fn::GetAtt":
            parts = args.split(".", 1) if isinstance(args, str) else args
            if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str) \
                    and isinstance(parts[1], str) and parts[1].startswith("Outputs."):
                found.append((parts[0], parts[1][len("Outputs."):]))
            return
        if name == "Fn::Sub":
            text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args else "")
            for m in re.findall(r"\$\{([^}!.]+)\.Outputs\.([^}]+)\}", text if isinstance(text, str) else ""):
                found.append(m)
        for value in node.values():
            walk(value)

    template = stack.template if isinstance(stack.template, dict) else {}
    for section in ("Resources", "Outputs"):
        entries = template.get(section)
        for entry in (entries.values() if isinstance(entries, dict) else ()):
            if isinstance(entry, dict) and not isinstance(entry.get("Condition"), str):
                walk({k: v for k, v in entry.items() if k not in ("Metadata", "Condition")})
    return [f for f in found if f[0] in stack.children]


def _known_value(node: Any, parent: Stack | None, every: bool) -> Any:
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return str(node)
    name, args = intrinsic(node)
    if name == "Ref" and isinstance(args, str) and parent is not None and not every:
        decl = parent.summary.parameters.get(args)
        if isinstance(decl, dict) and "Default" in decl and parent.binding(args) is None:
            default = decl["Default"]
            if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                return str(default)
        if parent.binding(args) is not None:
            return _known_value(parent.binding(args), parent.parent, every)
    return None


# -- the model --------------------------------------------------------------------------------------
class RemoteResources(dict):
    """A model's resources: its own (and, in a wide model, those of the connected stacks), and any
    other stack's resource by its qualified name."""

    def __init__(self, local: dict, app: Application, viewer: Stack) -> None:
        super().__init__(local)
        self._app = app
        self._viewer = viewer

    def _remote(self, key: Any):
        if isinstance(key, str) and SEP in key:
            return self._app.remote_resource(self._viewer, key)
        return None

    def __missing__(self, key: Any):
        res = self._remote(key)
        if res is None:
            raise KeyError(key)
        return res

    def get(self, key: Any, default: Any = None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        res = self._remote(key)
        return default if res is None else res

    def __contains__(self, key: Any) -> bool:
        return dict.__contains__(self, key) or self._remote(key) is not None


class StackModel(TemplateModel):
    """The model of one stack of an application (see the module's docstring)."""

    def __init__(self, template: dict, region: str, cfn: Any, app: Application, stack: Stack,
                 wide: bool = False) -> None:
        super().__init__(template, region, cfn)
        self.app = app
        self.stack = stack
        self.wide = wide
        app.set_scenarios(stack, self.scenarios)
        self.local_ids = frozenset(self.resources)
        self._expanded: dict[str, Any] = {}
        self._deployment: dict[str, tuple] = {}
        self.scenarios = AppScenarios(self.scenarios, app, stack, lambda: self.every_value)
        self.resolver = AppResolver(self.template, region, self._render_ref, self.scenarios, app, stack, self)
        resources = RemoteResources(self.resources, app, stack)
        if wide:
            neighbours = app.neighbours(stack)
            shown = {stack.key} | {n.key for n in neighbours}
            found = [r for other in neighbours for r in app.resources_of(other, stack)]
            for other in neighbours:  # what third stacks attach to the neighbours' resources
                for owner, lid in app.attachments_into(other):
                    if owner.key not in shown:
                        res = app.remote_resource(stack, qualified(lid, owner.key))
                        if res is not None:
                            found.append(res)
            for res in found:
                if not dict.__contains__(resources, res.logical_id):
                    dict.__setitem__(resources, res.logical_id, res)
                    self.by_type[res.type].append(res)
        self.resources = resources

    def created_after(self, later: str, earlier: str) -> bool:
        """Also across stacks: a stack that reads another's exports or outputs is deployed after it,
        and a nested stack's resources are created when its parent creates the nested stack resource,
        after what that resource names or depends on (and before what names or depends on it)."""
        l_stack, e_stack = self._stack_of(later), self._stack_of(earlier)
        if l_stack is self.stack and e_stack is self.stack:
            return super().created_after(later, earlier)
        if l_stack is None or e_stack is None or l_stack is e_stack:
            return False
        if self.app.deployed_after(l_stack, e_stack):
            return True
        if l_stack is self.stack and e_stack.parent is self.stack and e_stack.link is not None:
            nested = e_stack.link.logical_id  # later waits for the nested stack (and so its resources)
            return later == nested or super().created_after(later, nested)
        if e_stack is self.stack and l_stack.parent is self.stack and l_stack.link is not None:
            nested = l_stack.link.logical_id  # the nested stack waits for earlier
            return nested == earlier or super().created_after(nested, earlier)
        if l_stack is self.stack.parent and e_stack is self.stack:
            return False  # a parent resource waits for the child only through the nested stack resource
        return False

    def exists(self, res: Resource) -> Branch:
        """The scenario in which a resource exists: its Condition, and the Condition of each nested
        stack resource that deploys its stack (the parent's, the grandparent's...), as this stack names
        them: a child deployed only when its parent's condition holds has no resource otherwise."""
        found = super().exists(res)
        stack = self._stack_of(res.logical_id)
        extra = self._deployed(stack) if stack is not None else ()
        if not extra:
            return found
        merged = merge_conditions(found.conditions, extra)
        return Branch(None, merged if merged is not None else found.conditions + extra)

    def _deployed(self, stack: Stack) -> tuple:
        """The conditions (named as this stack names them) under which `stack` is deployed at all: the
        Condition of the nested stack resource that deploys it, and the Condition of each output it
        imports (by a name no parameter decides) or reads by Fn::GetStackOutput: CloudFormation
        refuses a stack that imports a name nobody exports. The stacks those come from are deployed
        only under their own such conditions too."""
        hit = self._deployment.get(stack.key)
        if hit is not None:
            return hit
        self._deployment[stack.key] = ()  # a cycle adds nothing
        found: dict = {}
        sources = []  # (stack whose condition it is, condition, stack deployed only if that one is)
        if stack.parent is not None and stack.link is not None:
            sources.append((stack.parent, stack.link.condition, stack.parent))
        for node in stack.summary.imports:
            names = self.app.static_names(stack, node)
            hit_export = self.app.export(names[0]) if len(names) == 1 and not _depends_on_parameters(
                self.app, stack, node) else None
            if hit_export is not None:
                producer, output = hit_export
                sources.append((producer, producer.summary.outputs[output].condition, producer))
        for name_node, output_node in stack.summary.stack_outputs:
            producer, output = _stack_output(self.app, stack, {"StackName": name_node, "OutputName": output_node})
            if producer is not None:
                sources.append((producer, producer.summary.outputs[output].condition, producer))
        for child_name, output_name in _unconditional_child_outputs(stack):
            child = stack.children.get(child_name)
            output = child.summary.outputs.get(output_name) if child is not None else None
            if output is not None and output.condition:  # the parent's !GetAtt fails where it is false
                found[local_name(output.condition, child, self.stack)] = True
        for owner, condition, upstream in sources:
            if owner is stack:
                continue
            if condition:
                found[local_name(condition, owner, self.stack)] = True
            for name, value in self._deployed(upstream):
                found.setdefault(name, value)
        hit = self._deployment[stack.key] = tuple(sorted(found.items()))
        return hit

    def _stack_of(self, logical_id: str) -> Stack | None:
        base, key = split_name(logical_id)
        if key is None:
            return self.stack if logical_id in self.local_ids else None
        return self.app.by_key.get(key)

    def scan_props(self, res: Resource) -> dict:
        if SEP in res.logical_id:
            return res.props  # another stack's, already qualified with what crosses resolved
        hit = self._expanded.get(res.logical_id)
        if hit is None:
            hit = self._expanded[res.logical_id] = expand(res.props, self.stack, self.app)
        return hit

    def is_local(self, res: Resource | str) -> bool:
        logical_id = res if isinstance(res, str) else res.logical_id
        return SEP not in logical_id


def is_local(model: TemplateModel, res: Resource | str) -> bool:
    """Whether a resource belongs to the model's own template (always, for a template linted alone)."""
    check = getattr(model, "is_local", None)
    return True if check is None else check(res)


__all__ = ["AppResolver", "AppScenarios", "StackModel", "is_local", "qualify"]
