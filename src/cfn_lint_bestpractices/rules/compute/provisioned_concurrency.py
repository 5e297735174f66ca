"""E9509: provisioned concurrency above the function's reserved concurrency."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import ALIAS, VERSION, function_target
from .._base import BestPracticeRule


def provisioned(model: TemplateModel) -> dict[str, list[tuple[list, str]]]:
    """function -> [(branches of provisioned concurrency, where it is set)] over its aliases and
    versions (plain, and SAM's ProvisionedConcurrencyConfig)."""
    out: dict[str, list[tuple[list, str]]] = {}
    for res in model.of_type(ALIAS, VERSION):
        # a FunctionName under Fn::If (two functions) is not followed: E9509 stays silent on that alias
        tgt = function_target(model, model.one(res.props.get("FunctionName")))
        if tgt is None:
            continue
        values = model.ints(res, "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
        if values:
            out.setdefault(tgt.function, []).append((values, f"{res.type.split('::')[-1].lower()} '{res.logical_id}'"))
    for fn in model.functions:
        if fn.is_sam:
            values = model.ints(fn.resource, "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
            if values:
                out.setdefault(fn.logical_id, []).append((values, "its ProvisionedConcurrencyConfig"))
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
            where = {b.path: label for values, label in parts for b in values}
            for br in model.ints(fn.resource, "ReservedConcurrentExecutions"):
                found = model.largest_sum([[b for b in (model.together(v, br) for v in values) if b is not None]
                                           for values, _ in parts], br.value)
                if not found:
                    continue
                chosen, scenario = found
                scenario = model.together(br, scenario) or br
                total = sum(b.value for b in chosen)
                listed = ", ".join(f"{b.value} on {where.get(b.path, 'an alias or version')}" for b in chosen)
                yield (br.path,
                       f"Function '{fn.logical_id}' reserves {br.value} concurrent executions but is given {total} "
                       f"of provisioned concurrency ({listed}){scenario.describe()}: Lambda rejects provisioned "
                       "concurrency above the function's reserved concurrency, so the stack fails. Raise "
                       "ReservedConcurrentExecutions to at least the provisioned total, or provision less.")
                break
