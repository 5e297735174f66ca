"""E9502: reserved concurrency that leaves less than 100 unreserved executions in the account."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.lambda_config import int_branches
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
        contributions = []  # (amount, function id, path)
        for fn in model.functions:
            best = None
            for br in int_branches(model, fn.resource, "ReservedConcurrentExecutions"):
                amount = br.value
                if amount > 0 and (best is None or amount > best[0]):
                    best = (amount, fn.logical_id, br.path, br.describe())
            if best:
                contributions.append(best)
        total = sum(c[0] for c in contributions)
        budget = limit - MIN_UNRESERVED
        if not contributions or total <= budget:
            return
        contributions.sort(key=lambda c: (-c[0], c[1]))
        listed = ", ".join(f"{fid}: {amount}{when}" for amount, fid, _, when in contributions[:5])
        if len(contributions) > 5:
            listed += f", and {len(contributions) - 5} more"
        yield (contributions[0][2],
               f"Reserved concurrency in this template adds up to {total} ({listed}), more than the "
               f"{budget} that an account limit of {limit} lets you reserve: Lambda keeps at least "
               f"{MIN_UNRESERVED} executions unreserved and rejects the reservation that goes below. Other "
               "stacks in the same account and Region draw on the same pool, so the real headroom is smaller "
               "still. Lower the reservations, or raise the quota and set account_limit to it "
               "(-x E9502:account_limit=N).")
