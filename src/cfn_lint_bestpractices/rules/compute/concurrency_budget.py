"""E9502: reserved concurrency that leaves less than 100 unreserved executions in the account."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.policies import uncovered
from .._base import BestPracticeRule

# Lambda refuses a reservation that would leave fewer unreserved executions than this.
MIN_UNRESERVED = 100


class ConcurrencyBudget(BestPracticeRule):
    id = "E9502"
    shortdesc = "Reserved concurrency exceeds the account's reservable budget"
    description = (
        "Lambda keeps at least 100 concurrent executions of the account's limit unreserved and rejects a "
        "reservation that would go below it. The sum of ReservedConcurrentExecutions in the template "
        "(largest Fn::If branch, parameter defaults and allowed values) must not exceed account_limit - 100."
    )
    tags = ["lambda", "concurrency", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "account_limit": {
            "default": 1000,
            "type": "integer",
            "description": "The account's concurrent-executions quota in the Region (default quota: 1000)",
        },
    }

    def findings(self, model: TemplateModel):
        limit = int(self.config.get("account_limit", 1000))
        budget = limit - MIN_UNRESERVED
        # one part per function: its reservation in each scenario, in the scenarios in which it exists
        parts = [p for p in (model.ints(fn.resource, "ReservedConcurrentExecutions") for fn in model.functions) if p]
        if not model.largest_sum(parts, budget):
            return
        # The finding points at the largest reservation of a scenario over the budget; which one that is
        # may differ between scenarios, so each function that is the largest in some scenario over the
        # budget gets the finding, with that scenario.
        reported = set()
        for i, part in enumerate(parts):
            for top in sorted((b for b in part if b.value > 0), key=lambda b: -b.value):
                name = top.path[1]
                if name in reported:
                    break

                def above(b, top=top):  # a reservation that would come before `top` in the finding
                    return b.value > top.value or (b.value == top.value and b.path < top.path)
                others = [[b for b in other if not above(b)] for j, other in enumerate(parts) if j != i]
                found = model.largest_sum([[top]] + [o for o in others if o], budget)
                if not found or top not in found[0]:
                    continue
                chosen, scenario = found
                # no other function reserves more there
                larger = [b for j, other in enumerate(parts) if j != i for b in other if above(b)]
                scenario = uncovered(model, scenario, larger)
                if scenario is None:
                    continue
                reported.add(name)
                yield self._finding(chosen, scenario, budget, limit)
                break

    @staticmethod
    def _finding(chosen, scenario, budget: int, limit: int):
        chosen = sorted(chosen, key=lambda b: (-b.value, b.path))
        total = sum(b.value for b in chosen)
        listed = ", ".join(f"{b.path[1]}: {b.value}" for b in chosen[:5])
        if len(chosen) > 5:
            listed += f", and {len(chosen) - 5} more"
        return (chosen[0].path,
                f"Reserved concurrency in this template adds up to {total} ({listed}){scenario.describe()}, more "
                f"than the {budget} that an account limit of {limit} lets you reserve: Lambda keeps at least "
                f"{MIN_UNRESERVED} executions unreserved and rejects the reservation that goes below. Other "
                "stacks in the same account and Region draw on the same pool, so the real headroom is smaller "
                "still. Lower the reservations, or raise the quota and set account_limit to it "
                "(-x E9502:account_limit=N).")
