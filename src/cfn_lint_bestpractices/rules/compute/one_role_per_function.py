"""I9517: several functions sharing one execution role."""

from __future__ import annotations

from ...model import Branch, TemplateModel
from ...model.invocation import cloudformation_handlers
from .._base import BestPracticeRule


class SharedExecutionRole(BestPracticeRule):
    id = "I9517"
    shortdesc = "Execution role shared by several Lambda functions"
    description = (
        "The notes recommend one execution role per Lambda function: a shared role holds the union of all its "
        "functions' permissions, so each function can do what any of them may. Reported once per role that two "
        "or more functions of the template use in one scenario (a Role chosen by Fn::If counts in its branch). "
        "A role that only custom resource handlers (functions only CloudFormation invokes, while the stack "
        "deploys) share is not reported."
    )
    tags = ["lambda", "iam", "least-privilege"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "report_custom_resource_handlers": {
            "default": False, "type": "boolean",
            "description": ("Also report a role that only functions CloudFormation invokes (custom resources, "
                            "macros) share"),
        },
    }

    def findings(self, model: TemplateModel):
        # each function's role in each scenario: a Role chosen by Fn::If counts in its branch; a role that
        # every branch names counts wherever the function exists
        users: dict[str, list] = {}
        for fn in model.functions:
            branches = model.prop(fn.resource, "Role")
            by_role: dict[str, list] = {}
            for br in branches:
                role = model.lookup_node(br.value, ("AWS::IAM::Role",))
                if role:
                    by_role.setdefault(role, []).append(br)
            for role, brs in by_role.items():
                if len(brs) == len(branches) > 1:
                    brs = [Branch(None, model.exists(fn.resource).conditions, fn.resource.prop_path("Role"))]
                users.setdefault(role, []).append((fn, brs))
        handlers = set() if self.config.get("report_custom_resource_handlers") else None
        for role, uses in users.items():
            if len(uses) < 2:
                continue
            # the functions that use the role together in one scenario (the first one that fits each)
            scenario, fns, paths = None, [], []
            for fn, brs in uses:
                for br in brs:
                    both = br if scenario is None else model.together(scenario, br)
                    if both is not None:
                        scenario = both
                        fns.append(fn)
                        paths.append(br.path)
                        break
            if len(fns) < 2:
                continue
            if handlers is None:
                handlers = cloudformation_handlers(model)
            if all(f.logical_id in handlers for f in fns):
                continue  # deployment plumbing only: no application input reaches these functions
            names = ", ".join(f"'{f.logical_id}'" for f in fns[:5]) + (f" and {len(fns) - 5} more" if len(fns) > 5 else "")
            yield (paths[1],
                   f"Role '{role}' is the execution role of {len(fns)} functions ({names}){scenario.describe()}: "
                   "each of them can do everything any of them needs. Give each function its own role with only "
                   "the permissions its code uses.")
