"""An application: the templates of one run (or of one cloud assembly, or one nested-stack family) as a
system of stacks, the way a type checker keeps a module graph.

Each template gets a small `Summary`, built once per run from the one parse of the template: its
parameters, its outputs and exports, its nested stack links with their parameter bindings, its
resources with their construct paths (`Metadata.aws:cdk:path`), and what it reads from other stacks.
Resolution crosses from one template to another only through the summaries:

- `Fn::ImportValue` of an export name (a literal, or `!Sub`/`!Join` over parameter defaults and
  pseudo parameters) lands on the output that exports that name;
- `Fn::GetStackOutput {StackName, Region, OutputName}` (CDK's weak references) on that stack's output;
- a child's parameter bound by its parent (`AWS::CloudFormation::Stack` or SAM's
  `AWS::Serverless::Application` `Parameters`) on the parent's value, and the parent's
  `!GetAtt Child.Outputs.X` on the child's output.

An export that resolves nowhere stays unknown (and rules stay silent). A stack is an instance of a
template: a child template deployed by two parents is two stacks with different bindings.

Names of another stack are written `Name@key` (`OrdersQueue@ShopMessaging`): a resource, a parameter,
a condition or a mapping of the stack whose `key` follows. `crossing.qualify` rewrites another stack's
nodes that way, so that one template's resolver can read them, and names of the viewing stack itself
come back plain: a resource is the same whether it is named locally or from another stack.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Iterator

from . import assembly
from .values import TOKEN_RE, UNKNOWN, Resolver, intrinsic, token

SEP = "@"
IMPORT, STACK_OUTPUT = "Fn::ImportValue", "Fn::GetStackOutput"

# bytes that a template which can take part in an application holds; other files are linted alone
# without being summarized (a plain output is read by another stack only through Fn::GetStackOutput,
# which names a stack of a cloud assembly)
MARKERS = (b"ImportValue", b"GetStackOutput", b"Export", b"AWS::CloudFormation::Stack",
           b"AWS::Serverless::Application")
ASSEMBLY_MARKERS = MARKERS + (b"Outputs",)


def qualified(name: str, key: str) -> str:
    return f"{name}{SEP}{key}"


def split_name(name: str) -> tuple[str, str | None]:
    """('OrdersQueue', 'ShopMessaging') for 'OrdersQueue@ShopMessaging'; (name, None) for a plain one."""
    base, sep, key = name.partition(SEP)
    return (base, key) if sep else (name, None)


def trim_construct_path(path: str) -> str:
    """A construct path as CDK users name the construct: `Stack/Queue/Resource` is the L1 resource
    of `Stack/Queue`, `.../Default` likewise (the id CDK gives a construct's default child). `cdk diff`
    names resources the same way (aws-cdk CLI 2.1149.0, `normalizedLogicalIdPath`: the last part dropped
    when it is `Resource` or `Default` and something is left below the stack), except that it also drops
    the stack, which a report of several stacks keeps. (CDK's policy-validation report prints the
    path with `/Resource`.)"""
    for tail in ("/Resource", "/Default"):
        if path.endswith(tail) and path.count("/") > 1:
            return path[: -len(tail)]
    return path


@dataclass
class Output:
    value: Any
    export: Any  # the Export.Name node, or None
    condition: str | None


@dataclass
class Summary:
    """What other templates may know of one template."""

    parameters: dict[str, dict]
    outputs: dict[str, Output]
    links: list[assembly.Link]
    resources: dict[str, tuple[str, str | None, str | None]]  # id -> (type, condition, construct path)
    mappings: dict
    imports: list[Any]  # the name nodes of the template's Fn::ImportValue
    stack_outputs: list[tuple[Any, Any]]  # (StackName, OutputName) nodes of its Fn::GetStackOutput
    has_globals: bool = False


def summarize(template: Any, file: str) -> Summary:
    template = template if isinstance(template, dict) else {}
    params = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    outputs = {}
    raw_outputs = template.get("Outputs") if isinstance(template.get("Outputs"), dict) else {}
    for name, out in raw_outputs.items():
        if isinstance(out, dict) and "Value" in out:
            export = out.get("Export")
            outputs[str(name)] = Output(out["Value"], export.get("Name") if isinstance(export, dict) else None,
                                        out.get("Condition") if isinstance(out.get("Condition"), str) else None)
    resources = {}
    raw = template.get("Resources") if isinstance(template.get("Resources"), dict) else {}
    for lid, res in raw.items():
        if isinstance(res, dict) and isinstance(res.get("Type"), str):
            meta = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
            cdk_path = meta.get("aws:cdk:path")
            resources[str(lid)] = (res["Type"], res.get("Condition") if isinstance(res.get("Condition"), str) else None,
                                   cdk_path if isinstance(cdk_path, str) else None)
    imports, stack_outputs = [], []
    for node in _intrinsics(template, (IMPORT, STACK_OUTPUT)):
        name, args = intrinsic(node)
        if name == IMPORT:
            imports.append(args)
        elif isinstance(args, dict):
            stack_outputs.append((args.get("StackName"), args.get("OutputName")))
    mappings = template.get("Mappings") if isinstance(template.get("Mappings"), dict) else {}
    return Summary({str(k): v for k, v in params.items() if isinstance(v, dict)}, outputs,
                   assembly.nested_links(template, file), resources, mappings, imports, stack_outputs,
                   isinstance(template.get("Globals"), dict))


def _intrinsics(node: Any, names: tuple) -> Iterator[dict]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if len(cur) == 1 and next(iter(cur)) in names:
                yield cur
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)


_UNSAFE = re.compile(r"[^A-Za-z0-9_/-]")

# Resources that exist to attach a grant, a route or a rule to another resource. A rule judging a resource
# of a connected stack also needs the attachments that a third stack makes to it (a VPC endpoint on the
# network stack's route tables, written in an endpoints stack), so a wide model lists those too.
ATTACHMENT_TYPES = frozenset({
    "AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy",
    "AWS::S3::BucketPolicy", "AWS::Lambda::Permission", "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::EventSourceMapping", "AWS::SNS::Subscription", "AWS::Events::EventBusPolicy",
    "AWS::EC2::VPCEndpoint", "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAclEntry", "AWS::EC2::SubnetNetworkAclAssociation", "AWS::EC2::FlowLog",
    "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
    "AWS::KMS::Alias", "AWS::Logs::SubscriptionFilter", "Custom::S3BucketNotifications",
})


class Stack:
    """One stack of the application: a template, and where it sits (its parent and the link)."""

    def __init__(self, key: str, display: str, file: str, template: dict, summary: Summary,
                 stack_name: str | None = None, region: str | None = None,
                 parent: "Stack | None" = None, link: assembly.Link | None = None) -> None:
        self.key = key
        self.display = display
        self.file = file
        self.template = template
        self.summary = summary
        self.stack_name = stack_name
        self.region = region
        self.parent = parent
        self.link = link
        self.children: dict[str, Stack] = {}

    def __repr__(self) -> str:
        return f"Stack({self.display})"

    def binding(self, param: str) -> Any:
        """The parent's value for one of this stack's parameters, or None when it is not bound."""
        if self.parent is None or self.link is None:
            return None
        return self.link.bindings.get(param)

    def construct_path(self, logical_id: str) -> str | None:
        """The CDK construct path of a resource (trimmed), or for a hand-written nested stack the path
        of nested stack names from the root (`main.yaml/Network/Vpc`)."""
        found = self.summary.resources.get(logical_id)
        if found and found[2]:
            return trim_construct_path(found[2])
        if self.parent is not None and found:
            return f"{self.display}/{logical_id}"
        return None


@dataclass
class Notices:
    """What a run says once on stderr about an application (children it cannot follow)."""

    unfollowed: list[tuple[str, str, str]] = field(default_factory=list)  # (parent file, logical id, where)


class Application:
    """The stacks of one run and the edges between them: `add`/`add_tree` each stack, then `finish`
    (locate.build_application does it for a run or a template's location)."""

    def __init__(self) -> None:
        self.stacks: list[Stack] = []
        self.by_key: dict[str, Stack] = {}
        self.by_file: dict[str, list[Stack]] = {}
        self.by_name: dict[str, Stack] = {}
        self.notices = Notices()
        self._edges: dict[str, set[str]] = {}
        self._views: dict[tuple, Any] = {}
        self._scenarios: dict[str, Any] = {}
        self._copies: dict[str, dict] = {}
        self.child_files: dict[str, list[str]] = {}  # parent file -> the local children it names

    # -- building ----------------------------------------------------------------------------
    def _key_for(self, display: str) -> str:
        base = _UNSAFE.sub("_", display) or "stack"
        key, n = base, 2
        while key in self.by_key:
            key, n = f"{base}_{n}", n + 1
        return key

    def add(self, display: str, file: str, template: dict, stack_name: str | None = None,
            region: str | None = None, parent: Stack | None = None, link: assembly.Link | None = None) -> Stack:
        summary = summarize(template, file)
        stack = Stack(self._key_for(display), display, file, template, summary, stack_name, region, parent, link)
        if summary.has_globals:
            self._copy_with_globals(stack)
        self.stacks.append(stack)
        self.by_key[stack.key] = stack
        self.by_file.setdefault(_real(file), []).append(stack)
        if stack_name and stack_name not in self.by_name:
            self.by_name[stack_name] = stack
        if parent is not None and link is not None:
            parent.children[link.logical_id] = stack
        return stack

    def add_tree(self, display: str, file: str, parse, stack_name: str | None = None, region: str | None = None,
                 parent: Stack | None = None, link: assembly.Link | None = None, depth: int = 0) -> Stack | None:
        """A stack and, recursively, the children of its nested stack links (`parse(file)` gives a
        parsed template or None)."""
        if not os.path.isfile(file):
            return None
        template = parse(file)
        if not isinstance(template, dict):
            return None
        stack = self.add(display, file, template, stack_name, region, parent, link)
        for child_link in stack.summary.links:
            if child_link.child is None:
                self.notices.unfollowed.append((file, child_link.logical_id, child_link.where))
                continue
            self.child_files.setdefault(_real(file), []).append(child_link.child)
            if depth >= 8 or any(_real(s.file) == _real(child_link.child) for s in self._ancestors(stack)):
                continue  # a template that nests itself
            self.add_tree(f"{display}/{child_link.name}", child_link.child, parse, None, region, stack,
                          child_link, depth + 1)
        return stack

    @staticmethod
    def _ancestors(stack: Stack) -> Iterator[Stack]:
        cur: Stack | None = stack
        while cur is not None:
            yield cur
            cur = cur.parent

    def finish(self) -> "Application":
        """Index the exports and compute the edges between stacks."""
        exports: dict[str, tuple[Stack, str] | None] = {}
        for stack in self.stacks:
            for out_name, out in stack.summary.outputs.items():
                if out.export is None:
                    continue
                for name in self.static_names(stack, out.export, every=True):
                    # CloudFormation keeps one export of a name per account and Region: two stacks of a
                    # run that export one name are alternatives (two environments, two copies), and an
                    # import of that name could read either, so it stays unknown
                    exports[name] = None if name in exports and exports[name] != (stack, out_name) else (stack, out_name)
        self.exports = {k: v for k, v in exports.items() if v is not None}
        edges: dict[str, set[str]] = {s.key: set() for s in self.stacks}
        consumes: dict[str, set[str]] = {s.key: set() for s in self.stacks}

        def link(a: Stack, b: Stack, consumer: bool = True) -> None:
            """a reads b (a consumer of b's exports or outputs: CloudFormation deploys b first)"""
            if a is not b:
                edges[a.key].add(b.key)
                edges[b.key].add(a.key)
                if consumer:
                    consumes[a.key].add(b.key)

        for stack in self.stacks:
            if stack.parent is not None:
                link(stack, stack.parent, consumer=False)
            for node in stack.summary.imports:
                for name in self.static_names(stack, node, every=True):
                    hit = exports.get(name)
                    if hit:
                        link(stack, hit[0])
            for name_node, _ in stack.summary.stack_outputs:
                for name in self.static_names(stack, name_node, every=True):
                    producer = self.by_name.get(name)
                    if producer is not None:
                        link(stack, producer)
        self._edges = edges
        self._consumes = consumes
        # A value that crosses may land on a third stack (a child's parameter bound to its sibling's
        # output): the stacks whose names the crossing values of a stack hold are connected to it too.
        for stack in self.stacks:
            for other in self._reached(stack):
                if other is not stack:
                    edges[stack.key].add(other.key)
                    edges[other.key].add(stack.key)
        return self

    def _reached(self, stack: Stack) -> set:
        from .crossing import bound_value, qualify, stacks_named

        nodes = []
        if stack.parent is not None:
            nodes += [bound_value(stack, p) for p in stack.summary.parameters if stack.binding(p) is not None]
            nodes = [qualify(n, stack.parent, stack, self) for n in nodes]
        for child in stack.children.values():
            nodes += [qualify(o.value, child, stack, self) for o in child.summary.outputs.values()]
        for node in stack.summary.imports:
            for name in self.static_names(stack, node, every=True):
                hit = self.exports.get(name)
                if hit:
                    nodes.append(qualify(self.output_of(*hit).value, hit[0], stack, self))
        for name_node, output_node in stack.summary.stack_outputs:
            nodes.append(qualify({STACK_OUTPUT: {"StackName": name_node, "OutputName": output_node}}, stack,
                                 _Nobody, self))
        return {self.by_key[k] for k in stacks_named(nodes) if k in self.by_key}

    # -- looking up ----------------------------------------------------------------------------
    def stacks_of(self, file: str | None) -> list[Stack]:
        return self.by_file.get(_real(file), []) if file else []

    def neighbours(self, stack: Stack) -> list[Stack]:
        return [self.by_key[k] for k in sorted(self._edges.get(stack.key, ()))]

    def deployed_after(self, later: Stack, earlier: Stack) -> bool:
        """Whether CloudFormation deploys `later` only once `earlier` is deployed: `later` reads an
        export or output of `earlier`, directly or through other stacks."""
        seen, todo = set(), [later.key]
        while todo:
            cur = todo.pop()
            for nxt in self._consumes.get(cur, ()):
                if nxt == earlier.key:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def connected(self, stack: Stack) -> bool:
        return bool(self._edges.get(stack.key))

    def component(self, stack: Stack) -> list[Stack]:
        """The stacks connected to `stack` by any chain of edges (itself included)."""
        seen, todo = {stack.key}, [stack.key]
        while todo:
            for nxt in self._edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return [self.by_key[k] for k in sorted(seen)]

    def dependencies(self, file: str) -> list[str]:
        """The other template files whose content can change the findings of `file` (the stacks
        connected to its stacks, directly or through other stacks): a result cache keys on them."""
        out = set()
        for stack in self.stacks_of(file):
            out.update(_real(s.file) for s in self.component(stack))
        out.discard(_real(file))
        return sorted(out)

    def export(self, name: str) -> tuple[Stack, str] | None:
        return self.exports.get(name)

    def static_names(self, stack: Stack, node: Any, every: bool = False) -> list[str]:
        """The literal strings `node` (an export or stack name, in `stack`) takes with the stack's
        parameter defaults (and with `every`, each allowed value), pseudo parameters known where the
        assembly tells them; names that keep an unknown part are left out."""
        out = []
        for br in self.name_resolver(stack).branches(node, every):
            name = self.concrete(br.value, stack)
            if name is not None and name not in out:
                out.append(name)
        return out

    def concrete(self, value: Any, stack: Stack | None) -> str | None:
        """A resolved name with the pseudo parameters this application knows filled in (the stack's
        name; `⟦AWS::StackName@key⟧` for another stack's), None when an unknown part remains. Region
        and account stay as they are: an import and its export are in one account and region."""
        if not isinstance(value, str):
            return None

        def fill(m: re.Match) -> str:
            inner = m.group(1)
            base, key = split_name(inner)
            owner = self.by_key.get(key) if key else stack
            if base == "AWS::StackName" and owner is not None and owner.stack_name:
                return owner.stack_name
            if base in ("AWS::Region", "AWS::AccountId") and key is None:
                return m.group(0)
            raise LookupError(inner)

        try:
            return TOKEN_RE.sub(fill, value)
        except LookupError:
            return None

    def name_resolver(self, stack: Stack) -> Resolver:
        hit = self._views.get(("names", stack.key))
        if hit is None:
            hit = self._views[("names", stack.key)] = Resolver(stack.template, stack.region or "us-east-1",
                                                               lambda lid, attr: UNKNOWN)
        return hit

    def output_of(self, stack: Stack, name: str) -> Output | None:
        return stack.summary.outputs.get(name)

    # -- how other stacks' values read from a viewing stack ---------------------------------------
    def template_for_views(self, stack: Stack) -> dict:
        """The template other stacks read `stack`'s resources from: for SAM with Globals, a copy with
        the Globals merged (cfn-lint merges them into the template it lints, in place, at some point
        of the run; reading the copy keeps what another stack sees independent of the order)."""
        if not stack.summary.has_globals:
            return stack.template
        return self._copies.get(stack.key, stack.template)

    def _copy_with_globals(self, stack: Stack) -> None:
        """Taken when the stack is added, before cfn-lint lints (and merges into) the template."""
        hit = copy.deepcopy(stack.template)
        try:
            from cfnlint.template.transforms._sam_globals import merge_globals

            merge_globals(hit)
        except Exception:  # pylint: disable=broad-except
            pass  # cfn-lint's own module moved: the Globals stay unmerged for other stacks' views
        self._copies[stack.key] = hit

    def remote_resource(self, viewer: Stack, key: str):
        """The Resource `Name@key` as `viewer` sees it: its properties with every name of its stack
        qualified (and names of `viewer` plain), or None. One object serves every viewer whose names the
        resource's values do not hold (most resources name only their own stack)."""
        base, owner_key = split_name(key)
        owner = self.by_key.get(owner_key) if owner_key else None
        if owner is None or owner is viewer:
            return None
        cache_key = ("res", viewer.key, key)
        if cache_key in self._views:
            return self._views[cache_key]
        shared, named = self._shared_resource(owner, base)
        res = shared
        if shared is not None and viewer.key in named:
            from .crossing import qualify  # noqa: WPS433 (the two modules need each other)
            from .template import Resource

            node = self.template_for_views(owner)["Resources"][base]
            props = qualify(node.get("Properties"), owner, viewer, self) if isinstance(node.get("Properties"), dict) else {}
            res = Resource(key, shared.type, props if isinstance(props, dict) else {}, shared.condition)
        self._views[cache_key] = res
        return res

    def _shared_resource(self, owner: Stack, base: str):
        """(the resource qualified for a viewer it does not name, the stack keys its values name)."""
        cache_key = ("shared", owner.key, base)
        hit = self._views.get(cache_key)
        if hit is not None:
            return hit
        from .crossing import qualify, stacks_named  # noqa: WPS433
        from .template import Resource

        raw = self.template_for_views(owner).get("Resources")
        node = raw.get(base) if isinstance(raw, dict) else None
        hit = (None, set())
        if isinstance(node, dict) and isinstance(node.get("Type"), str):
            props = node.get("Properties")
            props = qualify(props, owner, _Nobody, self) if isinstance(props, dict) else {}
            cond = node.get("Condition")
            hit = (Resource(qualified(base, owner.key), node["Type"], props if isinstance(props, dict) else {},
                            qualified(cond, owner.key) if isinstance(cond, str) else None),
                   stacks_named([props]))
        self._views[cache_key] = hit
        return hit

    def attachments_into(self, stack: Stack) -> list[tuple[Stack, str]]:
        """(stack, logical id) of the attachments (ATTACHMENT_TYPES) in other stacks that name a
        resource of `stack`."""
        index = self._views.get("attachments")
        if index is None:
            from .crossing import qualify, stacks_named

            index = {}
            for owner in self.stacks:
                raw = owner.template.get("Resources") if isinstance(owner.template, dict) else None
                for lid, (rtype, _, _) in owner.summary.resources.items():
                    if rtype not in ATTACHMENT_TYPES or not isinstance(raw, dict) or not isinstance(raw.get(lid), dict):
                        continue
                    node = qualify(raw[lid].get("Properties"), owner, _Nobody, self)
                    named = stacks_named([node]) | self._imported_keys(owner, node)
                    for key in named - {owner.key}:
                        index.setdefault(key, []).append((owner, lid))
            self._views["attachments"] = index
        return index.get(stack.key, [])

    def _imported_keys(self, owner: Stack, node: Any) -> set[str]:
        """The stacks whose exports the imports left in a qualified node may name (their names depend
        on a parameter: every allowed value counts)."""
        from .crossing import qualify, stacks_named

        out: set[str] = set()
        for found in _intrinsics(node, (IMPORT,)):
            for name in self.static_names(owner, _unqualified(found[IMPORT], owner.key), every=True):
                hit = self.exports.get(name)
                if hit:
                    out.add(hit[0].key)
                    out |= stacks_named([qualify(self.output_of(*hit).value, hit[0], _Nobody, self)])
        return out

    def resources_of(self, owner: Stack, viewer: Stack) -> list:
        """Every resource of `owner` as `viewer` sees it."""
        return [r for r in (self.remote_resource(viewer, qualified(lid, owner.key))
                            for lid in owner.summary.resources) if r is not None]

    def scenarios_of(self, stack: Stack):
        hit = self._scenarios.get(stack.key)
        if hit is None:
            from .scenarios import Scenarios

            hit = self._scenarios[stack.key] = Scenarios(stack.template)
        return hit

    def set_scenarios(self, stack: Stack, scenarios) -> None:
        """The solver cfn-lint built for a stack's template (when it lints it) serves every view."""
        self._scenarios.setdefault(stack.key, scenarios)

    # -- saying it in the user's terms ---------------------------------------------------------
    @cached_property
    def _names_re(self) -> re.Pattern | None:
        keys = sorted((re.escape(k) for k in self.by_key), key=len, reverse=True)
        if not keys:
            return None
        return re.compile(r"('?)([A-Za-z0-9:]+)" + re.escape(SEP) + "(" + "|".join(keys) + r")(?![A-Za-z0-9_/-])('?)")

    def user_terms(self, text: str) -> str:
        """A message with every name of another stack said as users say it: `'OrdersQueue' in stack
        ShopMessaging` for a quoted name, `ShopMessaging/OrdersQueue` inside a value."""
        pattern = self._names_re
        if pattern is None or SEP not in text:
            return text

        def say(m: re.Match) -> str:
            open_q, name, key, close_q = m.groups()
            display = self.by_key[key].display
            if open_q and close_q:
                return f"'{name}' in stack {display}"
            return f"{open_q}{display}/{name}{close_q}"

        return pattern.sub(say, text)


class _NobodyStack:
    """A viewer that is no stack of the application: every name it reads is qualified."""

    key = ""
    parent = None


_Nobody = _NobodyStack()


def _unqualified(node: Any, key: str) -> Any:
    """A node qualified for another viewer, with the names of stack `key` plain again (to resolve it in
    that stack's own name resolver)."""
    if isinstance(node, list):
        return [_unqualified(n, key) for n in node]
    if isinstance(node, dict):
        return {_unqualified(k, key): _unqualified(v, key) for k, v in node.items()}
    if isinstance(node, str):
        return re.sub(re.escape(SEP + key) + r"(?![A-Za-z0-9_/-])", "", node)
    return node


def _real(path: str | None) -> str:
    return os.path.realpath(path) if path else ""


def token_owner(value: str) -> list[str]:
    """The stack keys the tokens of a resolved value belong to (empty for the viewer's own)."""
    out = []
    for name in TOKEN_RE.findall(value):
        _, key = split_name(name.split(".", 1)[0])
        if key and key not in out:
            out.append(key)
    return out


__all__ = ["Application", "Output", "SEP", "Stack", "Summary", "qualified", "split_name", "summarize",
           "token", "trim_construct_path"]
