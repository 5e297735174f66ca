"""W9725: EC2 instances that fall back to the VPC's default security group."""

from __future__ import annotations

from ...model import TemplateModel

from .._base import BestPracticeRule

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
ASG = "AWS::AutoScaling::AutoScalingGroup"
# where a security group can be given; network interfaces carry their own groups (or an existing ENI)
INSTANCE_KEYS = ("SecurityGroupIds", "SecurityGroups", "NetworkInterfaces")


class DefaultSecurityGroup(BestPracticeRule):
    id = "W9725"
    shortdesc = "EC2 instances launched into the VPC's default security group"
    description = (
        "An EC2 instance, or the launch template or launch configuration of an Auto Scaling group, that names "
        "no security group (SecurityGroupIds, SecurityGroups, or network interfaces with their own groups) is "
        "launched into the VPC's default security group: one shared by everything else that forgot, which "
        "allows all traffic between its members and all outbound traffic, and whose rules the stack does "
        "not own. Values that cannot be known and launch templates from outside the template are not judged."
    )
    tags = ["ec2", "security-group", "autoscaling"]
    resource_types = (INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION)

    def findings(self, model: TemplateModel):
        for instance in model.of_type(INSTANCE):
            where = self._template_of(model, instance.props.get("LaunchTemplate"))
            if where is False:
                continue  # a launch template from outside the template may name the groups
            extra = [(model.resources[where], ("LaunchTemplateData",))] if where else []
            # the finding is the instance's: it points at an Fn::If branch of the instance itself that
            # leaves its groups out, else at the instance (where SecurityGroupIds is to be added), never
            # into the launch template (which other users may share)
            for scenario, written in self._none(model, [(instance, ())] + extra, within=instance.path):
                yield (written or instance.path,
                       f"EC2 instance '{instance.logical_id}' names no security group{self._via(where)}"
                       f"{scenario.describe()}, so it is launched into the VPC's default security group. "
                       + self._advice("SecurityGroupIds"))
        users: dict[str, list[str]] = {}
        for asg in model.of_type(ASG):
            for node in (asg.props.get("LaunchTemplate"),
                         _dig(asg.props, "MixedInstancesPolicy", "LaunchTemplate", "LaunchTemplateSpecification")):
                found = self._template_of(model, node)
                if found:
                    users.setdefault(found, []).append(asg.logical_id)
            config = model.lookup_node(asg.props.get("LaunchConfigurationName"), (LAUNCH_CONFIGURATION,))
            if config:
                users.setdefault(config, []).append(asg.logical_id)
        for name, groups in users.items():
            res = model.resources[name]
            names = sorted(set(groups))
            used = ("Auto Scaling group " if len(names) == 1 else "Auto Scaling groups ") + \
                ", ".join(f"'{g}'" for g in names)
            if res.type == LAUNCH_TEMPLATE:
                parts, kind, key = [(res, ("LaunchTemplateData",))], "Launch template", "LaunchTemplateData.SecurityGroupIds"
                path = res.prop_path("LaunchTemplateData") if "LaunchTemplateData" in res.props else res.path
            else:
                parts, kind, key = [(res, ())], "Launch configuration", "SecurityGroups"
                path = res.path
            for scenario, written in self._none(model, parts):
                yield (written or path,
                       f"{kind} '{name}' (used by {used}) names no security group"
                       f"{scenario.describe()}, so the group's instances are launched into the VPC's default "
                       "security group. " + self._advice(key))

    @staticmethod
    def _template_of(model: TemplateModel, spec):
        """The in-template launch template a LaunchTemplate specification names; None when there is no
        specification, False when it names something we cannot see."""
        if not isinstance(spec, dict):
            return None
        for key in ("LaunchTemplateId", "LaunchTemplateName"):
            if key in spec:
                found = model.lookup_node(spec[key], (LAUNCH_TEMPLATE,))
                return found or False
        return False

    @staticmethod
    def _none(model: TemplateModel, parts, within: tuple = ()):
        """(scenario, path of the Fn::If branch or None) for the first scenario in which none of the
        places names a security group: every key absent or an empty list. A value that cannot be known
        (a parameter without default) leaves no scenario. Only an Fn::If branch below `within` (the
        resource the finding is about) is pointed at."""
        lists = []
        for res, base in parts:
            keys = ("SecurityGroups",) if res.type == LAUNCH_CONFIGURATION else INSTANCE_KEYS
            lists += [model.lists(res, *base, key) for key in keys]
        for chosen, scenario in model.combine(*lists):
            if all(not br.value for br in chosen):
                # point at an Fn::If branch that leaves the groups out, when one does
                written = [br.path for br in chosen
                           if "Fn::If" in br.path and tuple(br.path[:len(within)]) == tuple(within)]
                yield scenario, (written[0] if written else None)
                return

    @staticmethod
    def _via(template) -> str:
        return f" (nor does its launch template '{template}')" if template else ""

    @staticmethod
    def _advice(key: str) -> str:
        return ("The default group is shared with every resource that names none, lets them all reach each "
                "other, and is not managed by this stack. Create an AWS::EC2::SecurityGroup that allows only "
                f"the traffic the instances need and list it in {key}.")


def _dig(node, *keys):
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node
