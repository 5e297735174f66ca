"""E9707 and W9708: Auto Scaling group sizes that contradict each other, and groups in one Availability Zone."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.lambda_config import int_branches
from ...model.props import list_branches

from .._base import BestPracticeRule
from ...model.network import AUTO_SCALING_GROUP as ASG, one_zone
from ...model.values import is_literal, is_zone, zone_label


class AsgDesiredCapacity(BestPracticeRule):
    id = "E9707"
    shortdesc = "Auto Scaling DesiredCapacity outside MinSize..MaxSize"
    description = (
        "An Auto Scaling group's DesiredCapacity must lie between its MinSize and MaxSize; otherwise creating "
        "or updating the group fails."
    )
    tags = ["autoscaling"]
    resource_types = ("AWS::AutoScaling::AutoScalingGroup",)

    def findings(self, model: TemplateModel):
        for asg in model.of_type(ASG):
            desired = int_branches(model, asg, "DesiredCapacity")
            if not desired:
                continue
            for (d, lo, hi), merged in model.combine(desired, int_branches(model, asg, "MinSize"), int_branches(model, asg, "MaxSize")):
                if lo.value <= d.value <= hi.value:
                    continue
                yield (d.path,
                       f"Auto Scaling group '{asg.logical_id}' asks for DesiredCapacity {d.value} outside MinSize "
                       f"{lo.value} .. MaxSize {hi.value}{merged.describe()}, so the stack fails. Choose a "
                       "DesiredCapacity within the bounds, or leave it out to start at MinSize.")


class AsgSingleZone(BestPracticeRule):
    id = "W9708"
    shortdesc = "Auto Scaling group in a single Availability Zone"
    description = (
        "An Auto Scaling group whose VPCZoneIdentifier lists one subnet (or subnets of one Availability Zone), "
        "or whose AvailabilityZones lists one zone, cannot replace capacity when that zone fails."
    )
    tags = ["autoscaling", "availability"]
    resource_types = ("AWS::AutoScaling::AutoScalingGroup",)

    def _single_zone(self, model: TemplateModel, values: list) -> str | None:
        """How the subnets are one zone ('one subnet (X)'), or None when they are not or we cannot tell.
        The API takes a comma-separated string, so one item may hold several subnets."""
        if len(values) == 1:
            value = values[0]
            subnet = model.lookup(value, ("AWS::EC2::Subnet",))
            if subnet:
                return f"one subnet ({subnet})"
            if is_literal(value) and "," not in value:
                return f"one subnet ({value})"
            return None
        return None  # several subnets: their zones are read per branch (one_zone)

    def findings(self, model: TemplateModel):
        for asg in model.of_type(ASG):
            for br in list_branches(model, asg, "VPCZoneIdentifier"):
                if br.params:
                    continue  # a parameter's default subnets are often placeholders: not judged
                where = self._single_zone(model, br.value)
                if where is None:
                    continue
                yield (br.path,
                       f"Auto Scaling group '{asg.logical_id}' launches instances in {where}{br.describe()}: when that "
                       "zone fails, the group cannot replace them. List subnets in at least two Availability Zones.")
            # subnets whose zones (each read per branch, where the subnet exists) are one zone in some scenario
            for br, what, scenario in one_zone(model, asg, "VPCZoneIdentifier"):
                where = "one subnet" if what == "one entry" else what.replace("only subnets", "subnets").rsplit(": ", 1)[0] + ")"
                yield (br.path,
                       f"Auto Scaling group '{asg.logical_id}' launches instances in {where}{scenario.describe()}: "
                       "when that zone fails, the group cannot replace them. List subnets in at least two "
                       "Availability Zones.")
            for br in list_branches(model, asg, "AvailabilityZones"):
                if br.params:
                    continue
                if len(br.value) == 1 and isinstance(br.value[0], str):
                    shown = f" ({zone_label(br.value[0])})" if is_zone(br.value[0]) else ""
                elif len(br.value) > 1 and all(is_zone(z) for z in br.value) and len(set(br.value)) == 1:
                    # `!Select [0, !GetAZs '']` twice (or one zone name repeated) is still one zone
                    shown = f" ({zone_label(br.value[0])}, listed {len(br.value)} times)"
                else:
                    continue
                yield (br.path,
                       f"Auto Scaling group '{asg.logical_id}' uses one Availability Zone{shown}{br.describe()}: "
                       "when it fails, the group cannot replace its instances. List at least two zones.")
