"""I9517: several functions sharing one execution role."""

from __future__ import annotations

from ...model import TemplateModel
from .._base import BestPracticeRule


class SharedExecutionRole(BestPracticeRule):
    id = "I9517"
    shortdesc = "Execution role shared by several Lambda functions"
    description = (
        "The notes recommend one execution role per Lambda function: a shared role holds the union of all its "
        "functions' permissions, so each function can do what any of them may. Reported once per role that two "
        "or more functions of the template use."
    )
    tags = ["lambda", "iam", "least-privilege"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        users: dict[str, list] = {}
        for fn in model.functions:
            role = model.lookup_node(fn.props.get("Role"), ("AWS::IAM::Role",))
            if role:
                users.setdefault(role, []).append(fn)
        for role, fns in users.items():
            if len(fns) < 2:
                continue
            names = ", ".join(f"'{f.logical_id}'" for f in fns[:5]) + (f" and {len(fns) - 5} more" if len(fns) > 5 else "")
            yield (fns[1].resource.prop_path("Role"),
                   f"Role '{role}' is the execution role of {len(fns)} functions ({names}): each of them can do "
                   "everything any of them needs. Give each function its own role with only the permissions its "
                   "code uses.")
