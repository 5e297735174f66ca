"""The semantic model of one template, built once and shared by every rule.

Rules ask the model, not the raw template: it knows which resource a value names, sees SAM and
plain Lambda functions alike, and keeps the cross-resource relations indexed. Each index is built
the first time a rule asks for it, once per judgement policy (`per_policy`), so a template without
subnets never pays for the network indexes.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from .scenarios import Scenarios
from .values import (ABSENT, TOKEN_RE, UNKNOWN, Branch, Resolver, as_bool, as_int, intrinsic, is_zone, stand_ins,
                     token, tokens_in)


# The property that holds a resource's physical name, where Ref/GetAtt expose that name.
NAME_PROPERTY = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
}

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


@dataclass
class Resource:
    logical_id: str
    type: str
    props: dict
    condition: str | None

    @property
    def path(self) -> tuple:
        return ("Resources", self.logical_id)

    def prop_path(self, *keys: Any) -> tuple:
        return ("Resources", self.logical_id, "Properties") + tuple(keys)

    def has_prop(self, key: str) -> bool:
        return key in self.props

    def finding_path(self, path: tuple) -> tuple:
        """Where a finding about `path` should point: the resource itself when the path is just its
        Properties (the property is missing, so the resource is the line to change)."""
        return self.path if path == self.prop_path() else path


@dataclass
class Function:
    """A Lambda function, whether written as AWS::Lambda::Function or AWS::Serverless::Function."""

    resource: Resource

    @property
    def logical_id(self) -> str:
        return self.resource.logical_id

    @property
    def is_sam(self) -> bool:
        return self.resource.type == "AWS::Serverless::Function"

    @property
    def props(self) -> dict:
        return self.resource.props

    def events(self) -> dict[str, tuple[str, Any, tuple]]:
        """SAM events: name -> (event type, properties, path of properties). Events under `Fn::If`
        are not seen here: rules that judge per scenario read `TemplateModel.sam_event_branches`."""
        events = self.props.get("Events") if self.is_sam else None
        out = {}
        if isinstance(events, dict):
            for name, event in events.items():
                if isinstance(event, dict) and isinstance(event.get("Type"), str):
                    out[name] = (event["Type"], event.get("Properties"), self.resource.prop_path("Events", name, "Properties"))
        return out


@dataclass
class SamEvent:
    """One SAM event in one scenario: `Events`, the event and its `Properties` may each sit under
    `Fn::If`; `scenario` (a Branch without value) holds the branches taken and the function's own
    Condition, and `path` is the absolute path of the properties (through those branches)."""

    resource: Resource
    name: str
    type: str
    props: Any  # the event's Properties map (unresolved inside), or None
    path: tuple
    scenario: Branch


def per_policy(build):
    """A cached property kept per judgement policy (`TemplateModel.memo`): an index built from resolved
    values depends on whether parameters take every allowed value or their Default."""
    name = build.__name__

    @functools.wraps(build)
    def get(self):
        return self.memo(f"TemplateModel.{name}", lambda: build(self))

    return property(get)


def arn_resource_name(value: str) -> str:
    """The name a literal ARN, queue URL or plain name carries: 'arn:aws:sqs:r:a:q' -> 'q'. Stand-ins
    for deploy-time values (`${AWS::StackName}`) stay whole, whatever characters their names hold."""
    held: list[str] = []

    def hold(m) -> str:
        held.append(m.group(0))
        return f"\x00{len(held) - 1}\x00"

    masked = TOKEN_RE.sub(hold, value)
    name = _arn_resource_name(masked)
    return re.sub("\x00(\\d+)\x00", lambda m: held[int(m.group(1))], name) if held else name


def _arn_resource_name(value: str) -> str:
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6:
            return value
        service, resource = parts[2], parts[5]
        if service == "s3":
            return resource.split("/", 1)[0]
        if service == "lambda" and resource.startswith("function:"):
            return resource.split(":")[1]
        return resource.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    if value.startswith("https://"):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


class TemplateModel:
    def __init__(self, template: dict, region: str = "us-east-1", cfn: Any = None) -> None:
        self.template = template if isinstance(template, dict) else {}
        self.resources: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        # modules expand into resources the template does not show: a packaging tool's (Rain's
        # `Type: !Rain::Module file.yaml`) or a registered CloudFormation module (`Org::Service::Name::MODULE`)
        self.modules: list[str] = []
        raw = self.template.get("Resources")
        if isinstance(raw, dict):
            for logical_id, node in raw.items():
                if not isinstance(logical_id, str) or not isinstance(node, dict):
                    continue
                rtype = node.get("Type")
                if isinstance(rtype, dict) or (isinstance(rtype, str) and rtype.endswith("::MODULE")):
                    self.modules.append(logical_id)
                if not isinstance(rtype, str):
                    continue
                props = node.get("Properties")
                cond = node.get("Condition")
                res = Resource(logical_id, rtype, props if isinstance(props, dict) else {},
                               cond if isinstance(cond, str) else None)
                self.resources[logical_id] = res
                self.by_type[rtype].append(res)
        self._memo: dict[tuple, Any] = {}
        self.scenarios = Scenarios(self.template, cfn)
        self.resolver = Resolver(self.template, region, self._render_ref, self.scenarios)

    @property
    def policy(self) -> tuple:
        """The judgement policy values are read under (see `every_value`): what is built from resolved
        values is kept per policy, so that an error rule never reads an index a warning rule built at
        the parameters' Defaults, nor the other way round."""
        return (self.resolver.every_value, self.resolver.conditions_at_defaults and not self.resolver.every_value)

    def memo(self, name: str, build):
        """What `build()` returns, computed once per template and judgement policy: the shared indexes
        of model modules."""
        store = self._memo
        key = (name, self.policy)
        if key not in store:
            store[key] = build()
        return store[key]

    # -- judgement ----------------------------------------------------------------------------
    @property
    def every_value(self) -> bool:
        """Whether a parameter stands for each of its allowed values (the policy for errors) or
        for its Default only (warnings and informational findings)."""
        return self.resolver.every_value

    @every_value.setter
    def every_value(self, value: bool) -> None:
        self.resolver.every_value = bool(value)

    @property
    def conditions_at_defaults(self) -> bool:
        """Whether a condition that compares a parameter with a Default is judged at that Default (a
        warning about opt-in exposure) rather than in both branches; see `Resolver.defaults_besides`."""
        return self.resolver.conditions_at_defaults

    @conditions_at_defaults.setter
    def conditions_at_defaults(self, value: bool) -> None:
        self.resolver.conditions_at_defaults = bool(value)

    def together(self, *branches: Branch) -> Branch | None:
        """One scenario in which all the branches hold (value and path of the first), or None."""
        if not branches:
            return Branch(None)
        out = branches[0]
        for br in branches[1:]:
            out = self.resolver.together(out, br)
            if out is None:
                return None
        return out

    def uncovered(self, need: Branch, grants: list[Branch], split_params: bool = False) -> Branch | None:
        """A scenario within `need` in which none of `grants` holds (with the value and path of `need`),
        or None when the grants cover every scenario of `need`: the one question of every rule that pairs
        something needed with what grants it ("where is X needed and not granted"), answered through the
        solver. A grant that chooses a parameter value the need does not choose is taken to cover (a
        parameter's other values are not spelled out: precision first), unless `split_params` and the
        rule judges every allowed value: then the parameter's other allowed values are left open."""
        for i, grant in enumerate(grants):
            if self.together(need, grant) is None:
                continue
            mine = dict(need.conditions)
            prefix: Branch | None = need
            alternatives = [((name, not value),) for name, value in grant.conditions if name not in mine]
            for conds in alternatives:
                # the scenarios of `need` that leave this grant out: its condition the other way
                other = self.together(prefix, Branch(None, conds))
                if other is not None:
                    found = self.uncovered(other, grants[i + 1:], split_params)
                    if found is not None:
                        return found
                prefix = self.together(prefix, Branch(None, ((conds[0][0], not conds[0][1]),)))
                if prefix is None:
                    return None
            if split_params and self.every_value:
                chosen = {n for n, _ in need.params}
                for name, value in grant.params:
                    param = self.parameter(name)
                    allowed = param.get("AllowedValues") if isinstance(param, dict) else None
                    if name in chosen or not isinstance(allowed, list):
                        continue
                    for other_value in allowed:
                        if str(other_value) == str(value):
                            continue
                        other = self.together(prefix, Branch(None, (), (), ((name, other_value),)))
                        if other is not None:
                            found = self.uncovered(other, grants[i + 1:], split_params)
                            if found is not None:
                                return found
            return None  # the grant holds in all that is left of `need`
        return need

    def combine(self, *branch_lists: list[Branch]):
        """Every combination of one branch from each list that can happen: (chosen, scenario)."""
        return self.resolver.combine(*branch_lists)

    def largest_sum(self, parts: list[list[Branch]], above: int, max_steps: int = 20000):
        """A scenario in which one branch of each part (integer values) adds up to more than `above`:
        (chosen branches, scenario), or None. A part that has no branch in some scenario (its value
        is unknown there, or it does not exist) counts 0 there, so the sum found is never more than
        what would really be asked for."""
        options = [sorted([b for b in part if b.value > 0], key=lambda b: -b.value) + [Branch(0)] for part in parts]
        options.sort(key=lambda opts: -opts[0].value)
        best_rest = [0] * (len(options) + 1)
        for i in range(len(options) - 1, -1, -1):
            best_rest[i] = best_rest[i + 1] + options[i][0].value
        steps = 0

        def walk(i: int, chosen: tuple, scenario: Branch, total: int):
            nonlocal steps
            steps += 1
            if total > above:
                return chosen, scenario
            if i == len(options) or total + best_rest[i] <= above or steps > max_steps:
                return None
            for br in options[i]:
                both = self.resolver.together(scenario, br) if (br.conditions or br.params) else scenario
                if both is not None:
                    found = walk(i + 1, chosen + ((br,) if br.value else ()), both, total + br.value)
                    if found:
                        return found
            return None

        return walk(0, (), Branch(None), 0)

    def possible(self, conditions: tuple, params: tuple = ()) -> bool:
        return self.resolver.possible(conditions, params)

    # -- values -------------------------------------------------------------------------------
    def branches(self, node: Any, every_param_value: bool | None = None) -> list[Branch]:
        return self.resolver.branches(node, every_param_value)

    def get(self, node: Any, *keys: Any, every_param_value: bool | None = None) -> list[Branch]:
        return self.resolver.get(node, *keys, every_param_value=every_param_value)

    def exists(self, res: Resource) -> Branch:
        """The scenario in which a resource exists: its Condition true, or always."""
        return Branch(None, ((res.condition, True),) if res.condition else ())

    def prop(self, res: Resource, *keys: Any, every_param_value: bool | None = None) -> list[Branch]:
        """Branches of a resource property, in the scenarios in which the resource exists; each
        branch's path is absolute (ready for a finding)."""
        out = []
        where = self.exists(res)
        for br in self.resolver.get(res.props, *keys, every_param_value=every_param_value):
            if where.conditions:
                br = self.resolver.together(Branch(br.value, br.conditions, br.path, br.params), where)
                if br is None:
                    continue
            out.append(Branch(br.value, br.conditions, res.prop_path() + br.path, br.params))
        return out

    @staticmethod
    def fix_path(base: tuple, keys: tuple, branch: Branch) -> tuple:
        """Where a fix writes the value that `branch` read at `keys` below `base` (a resource's
        Properties path, an entry's path): the branch's own path when the value is there, and when
        it is absent, the deepest node the branch reached (inside the `Fn::If` branch it took) with
        the keys it did not reach. A fix built on it edits the branch that is wrong, never its twin."""
        path = tuple(branch.path)
        if len(base) >= 3 and base[-1] == "Properties" and path == tuple(base[:-1]):
            # an absent property's finding points at its resource (`finding_path`)
            return tuple(base) + tuple(keys)
        if path[:len(base)] != tuple(base):
            return path
        rest, matched = list(path[len(base):]), 0
        for key in keys:
            if not rest or rest[0] != key:
                break
            rest.pop(0)
            matched += 1
            while len(rest) >= 2 and rest[0] == "Fn::If":
                del rest[:2]
        if rest:  # the branch went somewhere the keys do not say: its own path is the place
            return path
        return path + tuple(keys[matched:])

    def entries(self, res: Resource, *keys: Any) -> Iterator[Branch]:
        """Each map in a list-valued resource property (a bucket's LambdaConfigurations, a rule's
        Targets), in every scenario of the list and of the item, with its absolute path. Items that
        are not maps are left out; the values inside an item stay unresolved."""
        for br in self.prop(res, *keys):
            if not isinstance(br.value, list):
                continue
            for i, item in enumerate(br.value):
                for sub in self.resolver.branches(item):
                    both = self.resolver.together(br, sub) if isinstance(sub.value, dict) else None
                    if both is not None:
                        yield Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params)

    def within(self, entry: Branch, *keys: Any) -> list[Branch]:
        """Branches of the value at `keys` below an entry (see `entries`), in the entry's scenario,
        with absolute paths."""
        out = []
        for br in self.resolver.get(entry.value, *keys):
            both = self.resolver.together(br, entry)
            if both is not None:
                out.append(Branch(br.value, both.conditions, entry.path + br.path, both.params))
        return out

    def list_items(self, res: Resource, *keys: Any) -> Iterator[tuple[dict, tuple]]:
        """(item, absolute path) for each map in a list-valued resource property; see `entries`."""
        for br in self.entries(res, *keys):
            yield br.value, br.path

    def elements(self, node: Any) -> Iterator[Branch]:
        """A value that may be one item or a list of items (IAM's Action, SAM's Policies), as the
        branches of each item in every branch of the value; `AWS::NoValue` items are left out."""
        for br in self.resolver.branches(node):
            if br.value is ABSENT or br.value is None:
                continue
            items = br.value if isinstance(br.value, list) else [br.value]
            for item in items:
                for sub in self.resolver.branches(item):
                    both = self.resolver.together(sub, br)
                    if sub.value is not ABSENT and both is not None:
                        yield Branch(sub.value, both.conditions, (), both.params)

    # -- typed readers: branches of known values, AWS's default where a property is absent ----------
    def typed(self, res: Resource | None, keys: tuple, default: Any, convert, node: Any = None,
              base: tuple = ()) -> list[Branch]:
        """Branches of a property converted by `convert` (None: not a known value, left out), with
        `default` where the property is absent (None: absent branches are left out too). `res`, or
        a map `node` whose absolute path is `base` (a SAM event's properties)."""
        out = []
        branches = self.prop(res, *keys) if res is not None else [
            Branch(b.value, b.conditions, base + b.path, b.params) for b in self.get(node, *keys)]
        for br in branches:
            if br.value is UNKNOWN:
                continue
            if br.value is ABSENT:
                if default is None:
                    continue
                value = default
                path = res.finding_path(br.path) if res is not None else br.path
            else:
                value, path = convert(br.value), br.path
            if value is not None:
                out.append(Branch(value, br.conditions, path, br.params))
        return out

    def ints(self, res: Resource, *keys: Any, default: int | None = None) -> list[Branch]:
        return self.typed(res, keys, default, as_int)

    def bools(self, res: Resource, *keys: Any, default: bool | None = None) -> list[Branch]:
        return self.typed(res, keys, default, as_bool)

    def strings(self, res: Resource, *keys: Any, default: str | None = None) -> list[Branch]:
        return self.typed(res, keys, default, lambda v: v if isinstance(v, str) else None)

    def lists(self, res: Resource, *keys: Any) -> list[Branch]:
        """A list property per branch, its items resolved to single values where they can be
        (UNKNOWN otherwise), `AWS::NoValue` items dropped, an absent property an empty list."""
        out = []
        for br in self.prop(res, *keys):
            if br.value is ABSENT:
                out.append(Branch([], br.conditions, res.finding_path(br.path), br.params))
            elif isinstance(br.value, list):
                items = [self.resolver.one(item) for item in br.value]
                out.append(Branch([v for v in items if v is not ABSENT], br.conditions, br.path, br.params))
        return out

    def one(self, node: Any) -> Any:
        """The single value `node` takes in every scenario, or UNKNOWN when it can take several."""
        return self.resolver.one(node)

    def string(self, node: Any) -> str | None:
        return self.resolver.string(node)

    def parameter(self, name: str) -> dict | None:
        """A parameter's declaration (Type, Default, AllowedValues, NoEcho), or None."""
        value = self.resolver.parameters.get(name)
        return value if isinstance(value, dict) else None

    @property
    def region(self) -> str:
        """The region the template is linted for (cfn-lint's first --regions)."""
        return self.resolver.region

    def attributes_named(self, value: Any) -> list[tuple[str, str]]:
        """(resource, attribute) for each in-template resource attribute a resolved value holds
        ('' for a `!Ref`): `!Sub "${Db.Endpoint.Address}:5432"` gives [('Db', 'Endpoint.Address')]."""
        out = []
        for name in stand_ins(value):
            base, _, attr = name.partition(".")
            if base in self.resources and (base, attr) not in out:
                out.append((base, attr))
        return out

    def refers_to(self, value: Any) -> list[str]:
        """The in-template resources a resolved value names (`!Ref`, `!GetAtt`, inside a `!Sub`)."""
        out = []
        for name in stand_ins(value):
            base = name.split(".", 1)[0]
            if base in self.resources and base not in out:
                out.append(base)
        return out

    def zone_of(self, subnet_id: str) -> str | None:
        """The Availability Zone of an in-template subnet: a literal name, or a symbolic zone for
        `!Select [i, !GetAZs ...]` (equal to itself only); None when it cannot be known."""
        value = self.resolver.one(self.resources[subnet_id].props.get("AvailabilityZone"))
        return value if is_zone(value) else None

    def zones_of(self, subnet_id: str) -> list[Branch]:
        """The Availability Zone of an in-template subnet per branch of its AvailabilityZone, in the
        scenarios in which the subnet exists: a zone (see `zone_of`), or None where it cannot be known."""
        out = []
        for br in self.prop(self.resources[subnet_id], "AvailabilityZone"):
            out.append(Branch(br.value if is_zone(br.value) else None, br.conditions, br.path, br.params))
        return out

    def of_type(self, *types: str) -> list[Resource]:
        out: list[Resource] = []
        for t in types:
            out.extend(self.by_type.get(t, ()))
        return out

    # -- naming -------------------------------------------------------------------------------
    def name_of(self, logical_id: str) -> Any:
        """The physical name a resource will have: its name when the template fixes one (pseudo
        parameters and parameter defaults included), else a stand-in for the resource itself (a
        generated name, a name chosen by a condition or by a parameter without default)."""
        res = self.resources[logical_id]
        prop = NAME_PROPERTY.get(res.type)
        if prop and prop in res.props:
            value = self.resolver.one(res.props[prop])
            if isinstance(value, str):
                return value
        return token(logical_id)

    def attribute(self, logical_id: str, attribute: str) -> Any:
        """What `!GetAtt logical_id.attribute` (or `!Ref` for "Ref") resolves to."""
        found = self.resolver.branches({"Ref": logical_id} if attribute == "Ref" else {"Fn::GetAtt": [logical_id, attribute]},
                                       False)
        return found[0].value if found else UNKNOWN  # none: the resource exists in no possible scenario

    def _render_ref(self, logical_id: str, attribute: str) -> Any:
        res = self.resources.get(logical_id)
        if res is None:
            return UNKNOWN
        region, account, partition = token("AWS::Region"), token("AWS::AccountId"), self.resolver.partition
        t = res.type
        if t in NAME_PROPERTY and logical_id not in self._shared_names:
            name = self.name_of(logical_id)
            if t == "AWS::S3::Bucket":
                forms = {"Ref": name, "Arn": f"arn:{partition}:s3:::{name}"}
            elif t == "AWS::SQS::Queue":
                url = f"https://sqs.{region}.{self.resolver.url_suffix}/{account}/{name}"
                forms = {"Ref": url, "QueueUrl": url, "QueueName": name,
                         "Arn": f"arn:{partition}:sqs:{region}:{account}:{name}"}
            elif t == "AWS::SNS::Topic":
                arn = f"arn:{partition}:sns:{region}:{account}:{name}"
                forms = {"Ref": arn, "TopicArn": arn, "TopicName": name}
            else:  # functions
                forms = {"Ref": name, "Arn": f"arn:{partition}:lambda:{region}:{account}:function:{name}"}
            if attribute in forms:
                return forms[attribute]
        return token(logical_id) if attribute == "Ref" else token(f"{logical_id}.{attribute}")

    @property
    def _shared_names(self) -> set[str]:
        """Resources whose physical name another resource of the same type has too (the stack cannot
        hold both, but a reference still names its own resource): their references are rendered as
        stand-ins, not as a name or ARN that would be read as the other resource's."""
        caches = self.__dict__.setdefault("_shared_names_cache", {})  # per judgement policy
        cache = caches.get(self.policy)
        if cache is None:
            if self.__dict__.get("_shared_names_building"):
                return set()  # a name that reads another resource's name, while the names are read
            self.__dict__["_shared_names_building"] = True
            try:
                seen: dict = defaultdict(list)
                for logical_id, res in self.resources.items():
                    if res.type in NAME_PROPERTY:
                        name = self.name_of(logical_id)
                        if isinstance(name, str):
                            seen[(res.type, name)].append(logical_id)
                cache = {i for ids in seen.values() if len(ids) > 1 for i in ids}
            finally:
                self.__dict__["_shared_names_building"] = False
            caches[self.policy] = cache
        return cache

    @per_policy
    def _names(self) -> dict[tuple[str, str], str]:
        names = {}
        for logical_id, res in self.resources.items():
            if res.type in NAME_PROPERTY:
                name = self.name_of(logical_id)
                if isinstance(name, str):
                    names.setdefault((res.type, name), logical_id)
        return names

    def lookup(self, value: Any, types: Iterable[str]) -> str | None:
        """The logical id of the in-template resource of one of `types` that `value` names
        (by Ref/GetAtt token, or by literal name, ARN or URL), else None."""
        if not isinstance(value, str):
            return None
        types = tuple(types)
        for tok in tokens_in(value):
            base = tok.split(".", 1)[0]
            res = self.resources.get(base)
            if res is not None and res.type in types:
                return base
        name = arn_resource_name(value)
        for t in types:
            hit = self._names.get((t, name))
            if hit:
                return hit
        return None

    def named(self, types: Iterable[str], name: str) -> str | None:
        """The in-template resource of one of `types` whose physical name is `name`."""
        for t in types:
            hit = self._names.get((t, name))
            if hit:
                return hit
        return None

    def lookup_node(self, node: Any, types: Iterable[str]) -> str | None:
        """Like lookup, for an unresolved node that takes a single value."""
        return self.lookup(self.resolver.one(node), types)

    # -- functions ----------------------------------------------------------------------------
    @per_policy
    def functions(self) -> list[Function]:
        return [Function(r) for r in self.of_type(*FUNCTION_TYPES)]

    @per_policy
    def sam_events(self) -> list[tuple[Resource, str, str, Any, tuple]]:
        """(resource, event name, event type, properties, path of properties) for the Events of SAM
        functions and state machines. Events under `Fn::If` are not seen here, nor is a Condition:
        rules that judge per scenario read `sam_event_branches`."""
        out = []
        for res in self.of_type("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
            events = res.props.get("Events")
            if isinstance(events, dict):
                for name, event in events.items():
                    if isinstance(event, dict) and isinstance(event.get("Type"), str):
                        out.append((res, name, event["Type"], event.get("Properties"),
                                    res.prop_path("Events", name, "Properties")))
        return out

    @per_policy
    def sam_event_branches(self) -> list[SamEvent]:
        """The Events of SAM functions and state machines per scenario: an `Events` map, an event or
        its Properties under `Fn::If` gives one SamEvent per branch (an `AWS::NoValue` branch none)."""
        out = []
        for res in self.of_type("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
            for events in self.prop(res, "Events"):
                if not isinstance(events.value, dict):
                    continue
                for name, event in events.value.items():
                    for ev in self.resolver.branches(event):
                        scenario = self.resolver.together(events, ev) if isinstance(ev.value, dict) else None
                        if scenario is None:
                            continue
                        base = events.path + (name,) + ev.path
                        for kind in self.resolver.branches(ev.value.get("Type")):
                            with_kind = self.resolver.together(scenario, kind) if isinstance(kind.value, str) else None
                            if with_kind is None:
                                continue
                            props = self.resolver.branches(ev.value["Properties"]) if "Properties" in ev.value \
                                else [Branch(None)]
                            for pb in props:
                                whole = self.resolver.together(with_kind, pb)
                                if whole is None:
                                    continue
                                value = pb.value if isinstance(pb.value, dict) else None
                                out.append(SamEvent(res, name, kind.value, value, base + ("Properties",) + pb.path,
                                                    Branch(None, whole.conditions, (), whole.params)))
        return out

    # -- references ---------------------------------------------------------------------------
    @per_policy
    def references(self) -> dict[str, list[tuple[str, tuple]]]:
        """target logical id -> [(referring resource, path of the reference)] over all resources."""
        refs: dict[str, list[tuple[str, tuple]]] = defaultdict(list)
        for logical_id, res in self.resources.items():
            stack = [(self.scan_props(res), res.prop_path())]
            while stack:
                node, path = stack.pop()
                if isinstance(node, dict):
                    name, args = intrinsic(node)
                    target = referenced_id(node)
                    if target:
                        refs[target].append((logical_id, path))
                    elif name == "Fn::Sub":
                        text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args and isinstance(args[0], str) else "")
                        for inner in _sub_names(text):
                            refs[inner.split(".", 1)[0]].append((logical_id, path))
                    for key, val in node.items():
                        if isinstance(val, (dict, list)):
                            stack.append((val, path + (key,)))
                elif isinstance(node, list):
                    for i, val in enumerate(node):
                        if isinstance(val, (dict, list)):
                            stack.append((val, path + (i,)))
        return refs

    def scan_props(self, res: Resource) -> dict:
        """The properties the reference indexes walk (an application's model shows what an import or a
        bound parameter names, crossing/StackModel)."""
        return res.props

    def attribute_references(self, attribute: str) -> list[tuple[str, str, tuple]]:
        """(referring resource, target, path) for every `Fn::GetAtt Target.<attribute>` and
        `${Target.<attribute>}` in resource properties."""
        out = []
        for logical_id, res in self.resources.items():
            stack: list[tuple[Any, tuple]] = [(self.scan_props(res), res.prop_path())]
            while stack:
                node, path = stack.pop()
                if isinstance(node, dict):
                    name, args = intrinsic(node)
                    if name == "Fn::GetAtt":
                        parts = args.split(".", 1) if isinstance(args, str) else args
                        if isinstance(parts, list) and len(parts) == 2 and parts[1] == attribute \
                                and isinstance(parts[0], str):
                            out.append((logical_id, parts[0], path))
                    elif name == "Fn::Sub":
                        text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args else "")
                        for inner in _sub_names(text if isinstance(text, str) else ""):
                            if inner.endswith("." + attribute):
                                out.append((logical_id, inner[: -len(attribute) - 1], path))
                    for key, value in node.items():
                        stack.append((value, path + (key,)))
                elif isinstance(node, list):
                    stack.extend((value, path + (i,)) for i, value in enumerate(node))
        return sorted(set(out), key=lambda r: (r[0], r[2]))

    def path_scenario(self, path: tuple) -> Branch | None:
        """The scenario in which the value at an absolute path of a resource is used: the resource
        exists and every `Fn::If` on the way takes the branch the path goes through."""
        if len(path) < 3 or path[0] != "Resources" or path[1] not in self.resources:
            return None
        res = self.resources[path[1]]
        conds: list = []
        node: Any = res.props
        keys = path[3:]
        for i, key in enumerate(keys):
            if key == "Fn::If" and isinstance(node, dict) and i + 1 < len(keys):
                args = node.get("Fn::If")
                if isinstance(args, list) and len(args) == 3 and isinstance(args[0], str) and keys[i + 1] in (1, 2):
                    conds.append((args[0], keys[i + 1] == 1))
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        scenario = Branch(None, tuple(sorted(set(conds))))
        if len({n for n, _ in scenario.conditions}) != len(scenario.conditions):
            return None
        return self.together(scenario, self.exists(res))

    @per_policy
    def connector_destinations(self) -> set[str]:
        """Resources that a SAM connector (AWS::Serverless::Connector, or a resource's `Connectors`
        attribute) names as destination: SAM writes their permissions and policies. "*" stands for a
        destination the template does not let us name."""
        out: set[str] = set()
        nodes = [c.props for c in self.of_type("AWS::Serverless::Connector")]
        raw = self.template.get("Resources")
        for node in raw.values() if isinstance(raw, dict) else ():
            embedded = node.get("Connectors") if isinstance(node, dict) else None
            if isinstance(embedded, dict):
                nodes += [c.get("Properties") for c in embedded.values() if isinstance(c, dict)]
        for props in nodes:
            dests = props.get("Destination") if isinstance(props, dict) else None
            for dest in dests if isinstance(dests, list) else [dests]:
                if not isinstance(dest, dict):
                    continue
                if isinstance(dest.get("Id"), str):
                    out.add(dest["Id"])
                    continue
                value = self.resolver.one(dest.get("Arn"))
                named = self.refers_to(value)
                hit = named[0] if named else (self.named(NAME_PROPERTY, arn_resource_name(value))
                                              if isinstance(value, str) else None)
                out.add(hit or "*")
        return out

    @per_policy
    def dependencies(self) -> dict[str, set[str]]:
        """logical id -> the resources it names directly (DependsOn, Ref, GetAtt, Sub), which
        CloudFormation creates before it."""
        direct: dict[str, set[str]] = defaultdict(set)
        for target, referrers in self.references.items():
            if target in self.resources:
                for src, _ in referrers:
                    direct[src].add(target)
        raw = self.template.get("Resources")
        for logical_id in self.resources:
            node = raw.get(logical_id) if isinstance(raw, dict) else None
            depends = node.get("DependsOn") if isinstance(node, dict) else None
            for dep in (depends if isinstance(depends, list) else [depends]):
                if isinstance(dep, str) and dep in self.resources:
                    direct[logical_id].add(dep)
        return direct

    def created_after(self, later: str, earlier: str) -> bool:
        """Whether CloudFormation creates `later` only once `earlier` exists (a chain of
        dependencies leads from one to the other)."""
        seen: set[str] = set()
        stack = list(self.dependencies.get(later, ()))
        while stack:
            cur = stack.pop()
            if cur == earlier:
                return True
            if cur not in seen:
                seen.add(cur)
                stack.extend(self.dependencies.get(cur, ()))
        return False

    # -- networking ---------------------------------------------------------------------------
    def _pairs(self, rtype: str, left: str, left_types: tuple, right: str, right_types: tuple):
        for res in self.of_type(rtype):
            a = self.lookup_node(res.props.get(left), left_types)
            b = self.lookup_node(res.props.get(right), right_types)
            yield res, a, b

    @per_policy
    def subnet_route_tables(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for _, subnet, table in self._pairs("AWS::EC2::SubnetRouteTableAssociation", "SubnetId", ("AWS::EC2::Subnet",),
                                            "RouteTableId", ("AWS::EC2::RouteTable",)):
            if subnet and table and table not in out[subnet]:
                out[subnet].append(table)
        return out

    def _index_by(self, rtype: str, prop: str, target_types: tuple) -> dict[str, list[Resource]]:
        """Resources of `rtype` grouped by the in-template resource their `prop` names."""
        out: dict[str, list[Resource]] = defaultdict(list)
        for res in self.of_type(rtype):
            target = self.lookup_node(res.props.get(prop), target_types)
            if target:
                out[target].append(res)
        return out

    @per_policy
    def routes(self) -> dict[str, list[Resource]]:
        return self._index_by("AWS::EC2::Route", "RouteTableId", ("AWS::EC2::RouteTable",))

    def vpc_of(self, res: Resource) -> str | None:
        return self.lookup_node(res.props.get("VpcId"), ("AWS::EC2::VPC",))

    @per_policy
    def vpc_endpoints(self) -> dict[str, list[Resource]]:
        return self._index_by("AWS::EC2::VPCEndpoint", "VpcId", ("AWS::EC2::VPC",))

    @per_policy
    def igw_attachments(self) -> tuple[dict[str, list[Resource]], bool]:
        """internet gateway -> its VPCGatewayAttachments, and whether some attachment names a gateway
        we cannot resolve (then any gateway of the template might be the one it attaches)."""
        out: dict[str, list[Resource]] = defaultdict(list)
        unresolved = False
        for att in self.of_type("AWS::EC2::VPCGatewayAttachment"):
            if "InternetGatewayId" not in att.props:
                continue
            igw = self.lookup_node(att.props["InternetGatewayId"], ("AWS::EC2::InternetGateway",))
            if igw:
                out[igw].append(att)
            else:
                unresolved = True
        return out, unresolved

    @per_policy
    def nacl_entries(self) -> dict[str, list[Resource]]:
        return self._index_by("AWS::EC2::NetworkAclEntry", "NetworkAclId", ("AWS::EC2::NetworkAcl",))

    # -- storage ------------------------------------------------------------------------------
    @per_policy
    def bucket_policies(self) -> tuple[dict[str, list[Resource]], bool]:
        """bucket -> its BucketPolicy resources, and whether some policy names a bucket we cannot
        resolve (then any bucket of the template might be the one it protects); a module may declare
        such a policy too."""
        out: dict[str, list[Resource]] = defaultdict(list)
        unresolved = bool(self.modules)
        for policy in self.of_type("AWS::S3::BucketPolicy"):
            value = self.resolver.one(policy.props.get("Bucket"))
            if not isinstance(value, str):
                unresolved = True
                continue
            bucket = self.lookup(value, ("AWS::S3::Bucket",))
            if bucket:
                out[bucket].append(policy)
        return out, unresolved


def referenced_id(node: Any) -> str | None:
    """The logical id a `Ref` (SAM's `Fn.Alias` included) or `Fn::GetAtt` node names, else None."""
    name, args = intrinsic(node)
    if name == "Ref" and isinstance(args, str):
        return args.split(".", 1)[0]
    if name == "Fn::GetAtt":
        if isinstance(args, str):
            return args.split(".", 1)[0]
        if isinstance(args, list) and args and isinstance(args[0], str):
            return args[0]
    return None


def _sub_names(text: str) -> list[str]:
    out = []
    start = 0
    while True:
        i = text.find("${", start)
        if i < 0:
            return out
        j = text.find("}", i)
        if j < 0:
            return out
        inner = text[i + 2:j]
        if inner and not inner.startswith("!"):
            out.append(inner)
        start = j + 1


__all__ = ["TemplateModel", "Resource", "Function", "ABSENT", "UNKNOWN", "Branch"]
