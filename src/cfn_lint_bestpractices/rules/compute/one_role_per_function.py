"""I9517: several functions sharing one execution role."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import cloudformation_handlers
from .._base import BestPracticeRule


class SharedExecutionRole(BestPracticeRule):
    id = "I9517"
    shortdesc = "Execution role shared by several Lambda functions"
    description = (
        "The notes recommend one execution role per Lambda function: a shared role holds the union of all its "
        "functions' permissions, so each function can do what any of them may. Reported once per role that two "
        "or more functions of the template use. A role that only custom resource handlers (functions only "
        "CloudFormation invokes, while the stack deploys) share is not reported."
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
        users: dict[str, list] = {}
        for fn in model.functions:
            role = model.lookup_node(fn.props.get("Role"), ("AWS::IAM::Role",))
            if role:
                users.setdefault(role, []).append(fn)
        handlers = set() if self.config.get("report_custom_resource_handlers") else None
        for role, fns in users.items():
            if len(fns) < 2:
                continue
            if handlers is None:
                handlers = cloudformation_handlers(model)
            if all(f.logical_id in handlers for f in fns):
                continue  # deployment plumbing only: no application input reaches these functions
            names = ", ".join(f"'{f.logical_id}'" for f in fns[:5]) + (f" and {len(fns) - 5} more" if len(fns) > 5 else "")
            yield (fns[1].resource.prop_path("Role"),
                   f"Role '{role}' is the execution role of {len(fns)} functions ({names}): each of them can do "
                   "everything any of them needs. Give each function its own role with only the permissions its "
                   "code uses.")
