"""Application Auto Scaling scalable targets, and the in-template resources they scale (ECS services,
DynamoDB tables and indexes). Added for W9731, W9815 and W9816."""

from __future__ import annotations

import re

from .template import Resource, TemplateModel
from .values import TOKEN_OPEN, UNKNOWN, Branch, intrinsic, node_at, token, tokens_in

# A part of a resource id that cannot be known (a parameter without default, an import)
_UNKNOWN_PART = token("?")

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
ECS_SERVICE = "AWS::ECS::Service"
DDB_TABLES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")


def _targets(model: TemplateModel, namespace: str) -> tuple[list[tuple[Resource, str, str | None]], bool]:
    """(target, ResourceId, ScalableDimension or None when unknown) for the scalable targets of a
    service namespace, and whether some target's namespace or resource id cannot be known."""
    out: list[tuple[Resource, str, str | None]] = []
    unresolved = False
    for target in model.of_type(SCALABLE_TARGET):
        ns = model.one(target.props.get("ServiceNamespace"))
        if not isinstance(ns, str) or TOKEN_OPEN in ns:
            unresolved = True
            continue
        if ns != namespace:
            continue
        rid = model.one(target.props.get("ResourceId"))
        if not isinstance(rid, str):
            rid = _partial(model, target.props.get("ResourceId"))
        if not isinstance(rid, str):
            unresolved = True
            continue
        dim = model.one(target.props.get("ScalableDimension"))
        out.append((target, rid, dim if isinstance(dim, str) and TOKEN_OPEN not in dim else None))
    return out, unresolved


def _partial(model: TemplateModel, node) -> str | None:
    """A `!Sub` or `!Join` resource id with each part that cannot be known (`${ClusterName}` from a
    parameter without default, an `Fn::ImportValue`) standing as an unknown part, so that the parts
    that can be known still name their resources: `service/${ClusterName}/${Service.Name}`."""
    name, args = intrinsic(node)

    def part(value_node) -> str:
        value = model.one(value_node)
        return value if isinstance(value, str) else (str(value) if isinstance(value, int) and not isinstance(
            value, bool) else _UNKNOWN_PART)

    if name == "Fn::Sub":
        text, variables = (args, {}) if isinstance(args, str) else (
            (args[0], args[1]) if isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)
            and isinstance(args[1], dict) else (None, None))
        if text is None:
            return None

        def repl(m) -> str:
            inner = m.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in variables:
                return part(variables[inner])
            return part({"Fn::GetAtt": inner.split(".", 1)} if "." in inner else {"Ref": inner})
        return re.sub(r"\$\{([^}]*)\}", repl, text)
    if name == "Fn::Join" and isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) \
            and isinstance(args[1], list):
        return args[0].join(part(p) for p in args[1])
    return None


def _literal_name(model: TemplateModel, res: Resource, prop: str) -> str | None:
    value = model.one(res.props.get(prop))
    return value if isinstance(value, str) and TOKEN_OPEN not in value else None


def ecs_service_targets(model: TemplateModel) -> tuple[dict[str, list[Resource]], bool]:
    """ECS service logical id -> the scalable targets of its DesiredCount, and whether some ecs target
    names a service we cannot tell."""

    def build():
        targets, unresolved = _targets(model, "ecs")
        by_name = {}
        for svc in model.of_type(ECS_SERVICE):
            name = _literal_name(model, svc, "ServiceName")
            if name:
                by_name.setdefault(name, svc.logical_id)
        out: dict[str, list[Resource]] = {}
        for target, rid, dim in targets:
            if dim not in (None, "ecs:service:DesiredCount"):
                continue
            hits = [r for r in model.refers_to(rid) if model.resources[r].type == ECS_SERVICE]
            if not hits:
                last = rid.rsplit("/", 1)[-1]
                if TOKEN_OPEN in last:
                    if not any(t.split(".", 1)[0] in model.resources for t in tokens_in(last)):
                        unresolved = True
                    continue
                if last in by_name:
                    hits = [by_name[last]]
            for hit in hits:
                out.setdefault(hit, []).append(target)
        return out, unresolved

    return model.memo("app_autoscaling.ecs", build)


def _rid_branches(model: TemplateModel, target: Resource) -> list[tuple[str | None, Branch]]:
    """(ResourceId, scenario) per branch of a scalable target's ResourceId, where the target exists: a
    `!Sub`/`!Join` whose parts cannot all be known keeps the parts that can (see `_partial`); None where
    nothing can be told."""
    out = []
    for br in model.prop(target, "ResourceId"):
        value = br.value
        if not isinstance(value, str):
            value = _partial(model, node_at(target.props, tuple(br.path[3:]))) if value is UNKNOWN else None
        out.append((value if isinstance(value, str) else None, br))
    return out


def ecs_service_scaling(model: TemplateModel) -> dict[str, list[tuple[Resource, Branch]]]:
    """ECS service logical id -> (scalable target of its DesiredCount, scenario) for each branch of the
    target's ServiceNamespace, ScalableDimension and ResourceId that names the service, where the target
    exists: a ResourceId under `Fn::If` names its service in its own branch only."""

    def build():
        by_name = {}
        for svc in model.of_type(ECS_SERVICE):
            name = _literal_name(model, svc, "ServiceName")
            if name:
                by_name.setdefault(name, svc.logical_id)
        out: dict[str, list[tuple[Resource, Branch]]] = {}
        for target in model.of_type(SCALABLE_TARGET):
            spaces = [b for b in model.prop(target, "ServiceNamespace") if b.value == "ecs"]
            dims = [b for b in model.prop(target, "ScalableDimension")
                    if b.value is UNKNOWN or b.value == "ecs:service:DesiredCount"
                    or (isinstance(b.value, str) and TOKEN_OPEN in b.value)]
            rids = [Branch(rid, b.conditions, b.path, b.params) for rid, b in _rid_branches(model, target)]
            for (_, _, rid_branch), scenario in model.combine(spaces, dims, rids):
                rid = rid_branch.value
                if rid is None:
                    continue
                hits = [r for r in model.refers_to(rid) if model.resources[r].type == ECS_SERVICE]
                if not hits:
                    last = rid.rsplit("/", 1)[-1]
                    if TOKEN_OPEN not in last and last in by_name:
                        hits = [by_name[last]]
                for hit in hits:
                    out.setdefault(hit, []).append((target, scenario))
        return out

    return model.memo("app_autoscaling.ecs_scenarios", build)


def dynamodb_targets(model: TemplateModel) -> tuple[dict[tuple[str, str | None], set[str]], bool]:
    """(table logical id, index name or None for the table) -> the dimensions scaled ('read',
    'write'; both when the dimension is unknown), and whether some dynamodb target names a table we
    cannot tell (then any table may be scaled)."""

    def build():
        targets, unresolved = _targets(model, "dynamodb")
        by_name = {}
        for table in model.of_type(*DDB_TABLES):
            name = _literal_name(model, table, "TableName")
            if name:
                by_name.setdefault(name, table.logical_id)
        out: dict[tuple[str, str | None], set[str]] = {}
        where: dict[tuple[str, str | None], list[tuple[set[str], Resource]]] = {}
        for target, rid, dim in targets:
            parts = rid.split("/")
            if len(parts) < 2 or parts[0] != "table":
                unresolved = True
                continue
            tname = parts[1]
            table = None
            toks = tokens_in(tname)
            if len(toks) == 1 and tname == TOKEN_OPEN + toks[0] + "\u27e7":
                base = toks[0].split(".", 1)[0]
                if base in model.resources and model.resources[base].type in DDB_TABLES:
                    table = base
            elif TOKEN_OPEN not in tname:
                table = by_name.get(tname)
                if table is None:
                    continue  # a table of another stack
            if table is None:
                unresolved = True
                continue
            index = None
            if len(parts) >= 4 and parts[2] == "index":
                index = "/".join(parts[3:])
                if TOKEN_OPEN in index:
                    index = "*"
            if dim is None:
                kinds = {"read", "write"}
            elif dim.endswith("ReadCapacityUnits"):
                kinds = {"read"}
            elif dim.endswith("WriteCapacityUnits"):
                kinds = {"write"}
            else:
                continue
            out.setdefault((table, index), set()).update(kinds)
            where.setdefault((table, index), []).append((kinds, target))
        return out, unresolved, where

    out, unresolved, _ = model.memo("app_autoscaling.dynamodb", build)
    return out, unresolved


def dynamodb_target_resources(model: TemplateModel) -> dict[tuple[str, str | None], list[tuple[set[str], Resource]]]:
    """(table logical id, index name, None for the table, '*' for an index we cannot name) -> (the
    dimensions scaled, the scalable target) for each target: a target with its own Condition scales
    only where it exists. Read `dynamodb_targets` first for whether some target cannot be told."""
    dynamodb_targets(model)
    return model.memo("app_autoscaling.dynamodb", lambda: None)[2]
