"""W9520: CloudWatch log groups whose events never expire: declared without RetentionInDays and written by
something, or created by a service (a VPC flow log, a function's LoggingConfig.LogGroup, Lambda's default
group) because the template names a group it does not declare."""

from __future__ import annotations

import re

from ...fixes import Fix, NoFix, Set
from ...model import ABSENT, Branch, TemplateModel
from ...model.invocation import uncovered
from ...model.values import is_literal, show, tokens_in
from .._base import BestPracticeRule

LOG_GROUP = "AWS::Logs::LogGroup"
# CDK's `logRetention` writes this custom resource; it sets the retention of the group it names.
LOG_RETENTION = "Custom::LogRetention"
# ...and this singleton function, whose handler sets a retention on its own log group.
CDK_LOG_RETENTION_FUNCTION = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"
# CloudWatch Logs accepts these RetentionInDays values only.
RETENTION_VALUES = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                    3288, 3653)


def _group_names(model: TemplateModel):
    """(name -> [scenarios in which an in-template log group or CDK log-retention target declares that
    name], whether some name cannot be known). A LogGroupName under `Fn::If` declares each branch's name
    in that branch's scenario only, and a group with a Condition only where it exists."""
    def build():
        names: dict = {}
        unknown = False
        for res in model.of_type(LOG_GROUP, LOG_RETENTION):
            if "LogGroupName" not in res.props:
                continue  # a generated name: not /aws/lambda/<function>
            for br in model.prop(res, "LogGroupName"):
                if isinstance(br.value, str):
                    names.setdefault(br.value, []).append(br)
                elif br.value is not ABSENT:
                    unknown = True
        return names, unknown
    return model.memo("log_retention.group_names", build)


def _written(model: TemplateModel, group, name) -> list:
    """The scenarios in which something writes to (or reads from) a declared log group: a resource
    refers to it (Ref, GetAtt, Sub: where that reference is used), names it in DependsOn (where that
    resource exists), an output refers to it, another resource's text holds its literal name, or its
    name is a service's (/aws/lambda/..., /aws-glue/...). A name the template builds at deploy time
    counts as written (we cannot tell). `name` is None for a generated name (no LogGroupName in that
    branch)."""
    always = [Branch(None)]
    if group.logical_id in _output_references(model):
        return always
    if name is not None:
        if not isinstance(name, str) or not is_literal(name) or name.startswith(("/aws/", "/aws-")):
            return always
        if any(name in text for other, text in _resource_strings(model).items() if other != group.logical_id):
            return always
    out = []
    for src, path in model.references.get(group.logical_id, ()):
        if src == group.logical_id:
            continue
        where = model.path_scenario(path)
        if where is not None:
            out.append(where)
    raw = model.template.get("Resources")
    for src, res in model.resources.items():
        node = raw.get(src) if isinstance(raw, dict) else None
        depends = node.get("DependsOn") if isinstance(node, dict) else None
        if src != group.logical_id and group.logical_id in (depends if isinstance(depends, list) else [depends]):
            out.append(model.exists(res))
    return out


def _output_references(model: TemplateModel) -> set:
    def build():
        out: set = set()
        stack = [model.template.get("Outputs")]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("Ref", "Fn::GetAtt") and isinstance(value, (str, list)):
                        target = value if isinstance(value, str) else (value[0] if value else None)
                        if isinstance(target, str):
                            out.add(target.split(".", 1)[0])
                    elif key == "Fn::Sub":
                        text = value if isinstance(value, str) else (value[0] if isinstance(value, list) and value else "")
                        if isinstance(text, str):
                            out.update(n.split(".", 1)[0] for n in re.findall(r"\$\{([^}!]+)\}", text))
                    stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)
        return out
    return model.memo("log_retention.output_references", build)


def _resource_strings(model: TemplateModel) -> dict:
    """logical id -> every literal string of its properties, joined (a group's name written in
    UserData, an awslogs option, a policy's ARN)."""
    def build():
        out = {}
        for logical_id, res in model.resources.items():
            parts, stack = [], [res.props]
            while stack:
                node = stack.pop()
                if isinstance(node, str):
                    parts.append(node)
                elif isinstance(node, dict):
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
            out[logical_id] = "\n".join(parts)
        return out
    return model.memo("log_retention.resource_strings", build)


class LogRetention(BestPracticeRule):
    id = "W9520"
    shortdesc = "CloudWatch log group whose events never expire"
    description = (
        "A CloudWatch Logs log group keeps its events forever unless it has a retention period, and storage is "
        "billed per GB-month. Reported: an AWS::Logs::LogGroup without RetentionInDays (the group that Lambda "
        "functions, API Gateway access logs or ECS awslogs write to), and, with check_functions, a Lambda "
        "function (plain or SAM) whose log group the template does not declare: Lambda creates /aws/lambda/<name> on the first "
        "invocation, with no retention, and the stack does not delete it. CDK's Custom::LogRetention counts "
        "as a retention."
    )
    tags = ["logs", "cloudwatch", "lambda", "cost"]
    resource_types = (LOG_GROUP, "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::EC2::FlowLog")
    fixable = "unsafe"
    options = {
        "check_functions": {
            "default": False, "type": "boolean",
            "description": ("Also report Lambda functions whose log group the template does not declare (Lambda "
                            "creates it with no retention); off by default, as it fires on most SAM functions"),
        },
        "check_unreferenced_groups": {
            "default": False, "type": "boolean",
            "description": ("Also report declared log groups that nothing in the template writes to or names "
                            "(no reference, no name another resource uses, no /aws/ service name)"),
        },
        "retention_in_days": {
            "default": 365, "type": "integer",
            "description": ("The RetentionInDays the automatic fix writes on a log group without one (a value "
                            "CloudWatch Logs accepts; 0 for no automatic fix)"),
        },
    }

    def findings(self, model: TemplateModel):
        days = self.config.get("retention_in_days")
        days = days if isinstance(days, int) and days in RETENTION_VALUES else None
        retained, _ = self._retention_targets(model)
        unreferenced = bool(self.config.get("check_unreferenced_groups"))
        for group in model.of_type(LOG_GROUP):
            if any(br.value == "DELIVERY" for br in model.prop(group, "LogGroupClass")):
                continue  # Delivery-class groups have a fixed retention of their own
            # the group's name per branch (a LogGroupName under Fn::If): judged in each branch's scenario
            found = None
            for name_br in model.prop(group, "LogGroupName") if "LogGroupName" in group.props else [Branch(None)]:
                name = name_br.value if name_br.value is not ABSENT else None
                if isinstance(name, str) and name in retained:
                    continue
                # declared, but nothing here writes to it (in that scenario): not the group whose cost grows
                writers = [Branch(None)] if unreferenced else _written(model, group, name)
                for br in model.prop(group, "RetentionInDays"):
                    for writer in writers if br.value is ABSENT else ():
                        both = model.together(br, name_br, writer)
                        if both is not None:
                            found = found or (both, name)
            if found is None:
                continue
            br, name = found
            if True:  # the finding for the first scenario found
                if days is None:
                    fix = NoFix("the retention period is the team's choice: set the option retention_in_days")
                else:
                    fix = Fix(f"set RetentionInDays: {days}",
                              [Set(model.fix_path(group.prop_path(), ("RetentionInDays",), br), days)],
                              unsafe=f"CloudWatch Logs deletes the group's events older than {days} days")
                label = f" ({show(name)})" if isinstance(name, str) else ""
                offer = (f" (`cfn-lint-bestpractices fix --unsafe` writes {days}, the option retention_in_days)"
                         if days is not None else "")
                yield (group.finding_path(br.path),
                       f"Log group '{group.logical_id}'{label} has no RetentionInDays{br.describe()}: its events "
                       "never expire and their storage is billed for ever. Set RetentionInDays to the period "
                       f"the team must keep these logs{offer}.", fix)
        yield from self._undeclared(model)
        if not self.config.get("check_functions"):
            return
        yield from self._functions(model)

    def _undeclared(self, model: TemplateModel):
        """Flow logs and functions that name a log group by a name the template does not declare: the
        service creates the group at the first delivery, with no retention."""
        names, unknown = _group_names(model)
        retained, retained_unknown = self._retention_targets(model)
        if unknown or retained_unknown:
            return  # some log group's name cannot be known: it may be this one
        sources = []
        for log in model.of_type("AWS::EC2::FlowLog"):
            kinds = model.strings(log, "LogDestinationType", default="cloud-watch-logs")
            if "LogDestination" in log.props or any(k.value != "cloud-watch-logs" for k in kinds):
                continue  # an ARN names an existing group (or S3, Firehose): nothing is created
            sources.append((log, model.prop(log, "LogGroupName"), f"Flow log '{log.logical_id}'", "VPC Flow Logs"))
        for fn in model.functions:
            sources.append((fn.resource, model.prop(fn.resource, "LoggingConfig", "LogGroup"),
                            f"Function '{fn.logical_id}'", "Lambda"))
        for res, branches, label, service in sources:
            for br in branches:
                value = br.value
                if not isinstance(value, str) or br.params or value in retained:
                    continue  # unknown, chosen by a parameter (likely an existing group), or retained
                if any(t.split(".", 1)[0] in model.resources for t in tokens_in(value)):
                    continue  # a name read from a resource of the template (its own group's name or ARN)
                # declared only in the scenarios in which a group of that name exists
                br = uncovered(model, br, names.get(value, []))
                if br is None:
                    continue
                yield (br.path,
                       f"{label} writes to log group {show(value)}{br.describe()}, which the template does not "
                       f"declare: {service} creates it at the first delivery with no retention, so its events never "
                       "expire, and deleting the stack leaves it behind. Declare an AWS::Logs::LogGroup with this "
                       "name and RetentionInDays (or name an existing group that has a retention).",
                       NoFix("the retention period is the team's choice"))
                break

    @staticmethod
    def _retention_targets(model: TemplateModel):
        def build():
            names, unknown = set(), False
            for res in model.of_type(LOG_RETENTION):
                value = model.one(res.props.get("LogGroupName"))
                if isinstance(value, str):
                    names.add(value)
                else:
                    unknown = True
            return names, unknown
        return model.memo("log_retention.retention_targets", build)

    @staticmethod
    def _silent_roles(model: TemplateModel) -> set:
        """In-template roles that certainly cannot write logs: no managed policy, no policy resource
        attached, and inline policies that name neither a logs action nor a wildcard. Lambda cannot
        create a log group for their functions."""
        def build():
            attached = set()
            for pol in model.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                roles = pol.props.get("Roles")
                if roles is None:
                    continue
                text = repr(roles)
                attached.update(r for r in model.resources if r in text)
            out = set()
            for role in model.of_type("AWS::IAM::Role"):
                if role.logical_id in attached or role.props.get("ManagedPolicyArns"):
                    continue
                text = repr(role.props.get("Policies")).lower()
                if "logs" not in text and "*" not in text and "fn::" not in text and "ref" not in text:
                    out.add(role.logical_id)
            return out
        return model.memo("log_retention.silent_roles", build)

    def _functions(self, model: TemplateModel):
        names, unknown = _group_names(model)
        if unknown:
            return  # some log group's name cannot be known: it may be any function's
        for fn in model.functions:
            if fn.logical_id.startswith(CDK_LOG_RETENTION_FUNCTION):
                continue
            if "Role" in fn.props:
                role = model.lookup_node(fn.props.get("Role"), ("AWS::IAM::Role",))
                if role in self._silent_roles(model):
                    continue  # its role cannot create the log group: nothing is logged
            # the function's name per branch (a FunctionName under Fn::If), and the group of that name
            # declared only where it exists
            found = None
            for name_br in model.prop(fn.resource, "FunctionName"):
                name = model.name_of(fn.logical_id) if name_br.value is ABSENT else name_br.value
                if not isinstance(name, str) or found is not None:
                    continue
                default = f"/aws/lambda/{name}"
                for br in model.prop(fn.resource, "LoggingConfig", "LogGroup"):
                    # (a set LogGroup is a log group of the template, judged above, or one it does not know)
                    both = model.together(br, name_br) if br.value is ABSENT else None
                    missing = uncovered(model, both, names.get(default, [])) if both is not None else None
                    if missing is not None:
                        found = (missing, default)
                        break
            if found is not None:
                br, default = found
                yield (fn.resource.path,
                       f"Function '{fn.logical_id}' has no log group in the template{br.describe()}: Lambda "
                       f"creates {show(default)} on the first invocation with no retention, so its logs never "
                       "expire, and deleting the stack leaves the group behind. Declare an AWS::Logs::LogGroup "
                       "with RetentionInDays and name it in LoggingConfig.LogGroup (a new name works for a "
                       "function already deployed; a group named like the existing /aws/lambda/ one would "
                       "fail to create).",
                       NoFix("the retention period and the new log group's name are the team's choice"))
