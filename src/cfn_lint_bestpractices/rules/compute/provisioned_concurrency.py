"""E9509: provisioned concurrency above the function's reserved concurrency."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import ALIAS, VERSION, function_target
from ...model.lambda_config import int_branches
from .._base import BestPracticeRule


def provisioned(model: TemplateModel) -> dict[str, list[tuple[int, str, tuple]]]:
    """function -> [(largest provisioned concurrency, where it is set, path)] over its aliases and
    versions (plain, and SAM's ProvisionedConcurrencyConfig)."""
    out: dict[str, list[tuple[int, str, tuple]]] = {}
    for res in model.of_type(ALIAS, VERSION):
        tgt = function_target(model, model.resolver.one(res.props.get("FunctionName")))
        if tgt is None:
            continue
        values = int_branches(model, res, "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
        if values:
            best = max(values, key=lambda b: b.value)
            out.setdefault(tgt.function, []).append((best.value, f"{res.type.split('::')[-1].lower()} '{res.logical_id}'", best.path))
    for fn in model.functions:
        if fn.is_sam:
            values = int_branches(model, fn.resource, "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
            if values:
                best = max(values, key=lambda b: b.value)
                out.setdefault(fn.logical_id, []).append((best.value, "its ProvisionedConcurrencyConfig", best.path))
    return out


class ProvisionedAboveReserved(BestPracticeRule):
    id = "E9509"
    shortdesc = "Provisioned concurrency above reserved concurrency"
    description = (
        "Lambda rejects provisioned concurrency that, summed over a function's aliases and versions, exceeds "
        "the function's ReservedConcurrentExecutions. Plain AWS::Lambda::Alias/Version and SAM "
        "ProvisionedConcurrencyConfig are read."
    )
    tags = ["lambda", "concurrency", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        allocations = provisioned(model)
        for fn in model.functions:
            parts = allocations.get(fn.logical_id)
            if not parts:
                continue
            total = sum(p[0] for p in parts)
            for br in int_branches(model, fn.resource, "ReservedConcurrentExecutions"):
                reserved = br.value
                if total <= reserved:
                    continue
                listed = ", ".join(f"{n} on {where}" for n, where, _ in parts)
                yield (br.path,
                       f"Function '{fn.logical_id}' reserves {reserved} concurrent executions{br.describe()} but is "
                       f"given {total} of provisioned concurrency ({listed}): Lambda rejects provisioned concurrency "
                       "above the function's reserved concurrency, so the stack fails. Raise "
                       "ReservedConcurrentExecutions to at least the provisioned total, or provision less.")
