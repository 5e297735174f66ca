"""W9815: a provisioned DynamoDB table or index whose capacity is not auto scaled."""

from __future__ import annotations

from ...model import ABSENT, Branch, TemplateModel
from ...model.values import intrinsic
from ...model.app_autoscaling import dynamodb_target_resources, dynamodb_targets
from .._base import EnvironmentDependentRule

TABLE = "AWS::DynamoDB::Table"
SIMPLE_TABLE = "AWS::Serverless::SimpleTable"


def _as_written(node, resolved: str) -> str:
    """An index name as the template writes it: the text of a `!Sub` (`Index-${Suffix}`, not the
    `Index-` a parameter's empty Default makes of it), else the resolved name."""
    name, args = intrinsic(node)
    if name == "Fn::Sub":
        text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args else None)
        if isinstance(text, str):
            return text
    if name == "Ref" and isinstance(args, str):
        return "${" + args + "}"
    return resolved


class DynamoDbProvisionedAutoScaling(EnvironmentDependentRule):
    id = "W9815"
    shortdesc = "Provisioned DynamoDB capacity without auto scaling"
    description = (
        "A table in provisioned mode (BillingMode PROVISIONED, the default of AWS::DynamoDB::Table) serves the "
        "read and write capacity units written in the template and throttles requests beyond them. Without an "
        "Application Auto Scaling target on the table's (and each global secondary index's) read and write "
        "capacity, growth in traffic means throttling until someone edits the template. Use auto scaling, or "
        "PAY_PER_REQUEST. An environment choice: see exempt_resources and production_conditions."
    )
    tags = ["dynamodb", "capacity", "autoscaling"]
    resource_types = (TABLE, SIMPLE_TABLE)

    @staticmethod
    def _gap(model: TemplateModel, scenario: Branch, found: list, keys: list, kind: str) -> Branch | None:
        """A scenario within `scenario` in which no scalable target of `keys` scales `kind` ('read',
        'write'): a target with its own Condition scales only where it exists; None when one always does."""
        lists = []
        for key in keys:
            for kinds, target in found.get(key, []):
                if kind not in kinds:
                    continue
                if not target.condition:
                    return None
                lists.append([Branch(None, ((target.condition, False),))])
        for _, both in model.combine([scenario], *lists):
            return both
        return None

    def _unscaled(self, model: TemplateModel, modes: list[Branch], found: dict, keys: list):
        """(scenario, dimensions not auto scaled there) for the first provisioned scenario that is not a
        non-production one, or None."""
        for mode in modes:
            for kind in ("read", "write"):
                gap = self._gap(model, mode, found, keys, kind)
                if gap is None or self.non_production(model, gap):
                    continue
                missing = [k for k in ("read", "write") if self._gap(model, gap, found, keys, k) is not None]
                return gap, missing
        return None

    def findings(self, model: TemplateModel):
        tables = model.of_type(TABLE, SIMPLE_TABLE)
        if not tables:
            return
        scaled, unresolved = dynamodb_targets(model)
        if unresolved:
            return
        found = dynamodb_target_resources(model)
        for table in tables:
            if self.exempt(table.logical_id):
                continue
            if table.type == SIMPLE_TABLE:
                modes = [b for b in model.prop(table, "ProvisionedThroughput") if b.value is not ABSENT]
                modes = [Branch("PROVISIONED", b.conditions, b.path, b.params) for b in modes]
            else:
                modes = [b for b in model.strings(table, "BillingMode", default="PROVISIONED")
                         if b.value == "PROVISIONED"]
            modes = [b for b in modes if not self.non_production(model, b)]
            if not modes:
                continue
            hit = self._unscaled(model, modes, found, [(table.logical_id, None)])
            if hit:
                scenario, missing = hit
                where = table.prop_path("ProvisionedThroughput") if "ProvisionedThroughput" in table.props \
                    else table.path
                yield (where,
                       f"Table '{table.logical_id}' uses provisioned capacity with no auto scaling of its "
                       f"{' and '.join(missing)} capacity{scenario.describe()}: requests beyond the fixed capacity "
                       "units are throttled when traffic grows. Add Application Auto Scaling targets and "
                       "target-tracking policies for table/<name> (dynamodb:table:ReadCapacityUnits and "
                       "WriteCapacityUnits), or set BillingMode: PAY_PER_REQUEST.")
            if table.type != TABLE:
                continue
            for gsi in model.entries(table, "GlobalSecondaryIndexes"):
                # the index name is read as one value: a name chosen by an Fn::If cannot be matched to
                # the scalable target that names it, so it stays silent
                name = model.one(gsi.value.get("IndexName"))
                if not isinstance(name, str) or "\u27e6" in name:
                    continue
                index_modes = [b for b in (model.together(gsi, m) for m in modes) if b is not None]
                hit = self._unscaled(model, index_modes, found,
                                     [(table.logical_id, name), (table.logical_id, "*")])
                if hit:
                    both, missing = hit
                    shown = _as_written(gsi.value.get("IndexName"), name)
                    yield (gsi.path,
                           f"Global secondary index '{shown}' of table '{table.logical_id}' has provisioned capacity "
                           f"with no auto scaling of its {' and '.join(missing)} capacity{both.describe()}: an "
                           "index that runs out of write capacity throttles the table's writes too. Add scalable "
                           f"targets for table/<name>/index/{shown} (dynamodb:index:ReadCapacityUnits and "
                           "WriteCapacityUnits), or set BillingMode: PAY_PER_REQUEST.")
