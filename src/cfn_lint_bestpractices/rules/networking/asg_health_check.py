"""W9706: an Auto Scaling group behind a load balancer that ignores the load balancer's health checks."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import TemplateModel
from ...model.network import AUTO_SCALING_GROUP
from ...model.props import list_branches, str_branches

from .._base import BestPracticeRule

ASG = AUTO_SCALING_GROUP


class AsgElbHealthCheck(BestPracticeRule):
    id = "W9706"
    shortdesc = "Auto Scaling group behind a load balancer uses EC2 health checks only"
    description = (
        "An Auto Scaling group registered with a load balancer (TargetGroupARNs or LoadBalancerNames) keeps "
        "instances that the load balancer marks unhealthy unless HealthCheckType includes ELB: the default, "
        "EC2, only replaces instances whose EC2 status checks fail."
    )
    tags = ["autoscaling", "elb", "health-check"]
    resource_types = ("AWS::AutoScaling::AutoScalingGroup",)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        for asg in model.of_type(ASG):
            targets = [br for br in list_branches(model, asg, "TargetGroupARNs") + list_branches(model, asg, "LoadBalancerNames")
                       if br.value]
            if not targets:
                continue
            types = str_branches(model, asg, "HealthCheckType", default="EC2")
            wrong = []
            for (_, kind), merged in model.combine(targets, types):
                values = {v.strip().upper() for v in kind.value.split(",")}
                if values & {"ELB", "VPC_LATTICE"}:
                    continue
                wrong.append((kind, merged))
            if not wrong:
                continue
            kind, merged = wrong[0]
            yield (kind.path,
                   f"Auto Scaling group '{asg.logical_id}' is registered with a load balancer but its "
                   f"HealthCheckType is {kind.value}{merged.describe()}: instances that fail the load balancer's "
                   "health check stay in service. Set HealthCheckType: ELB and a HealthCheckGracePeriod long "
                   "enough for an instance to boot (the CloudFormation default is 0 seconds).",
                   self._fix(model, asg, [k for k, _ in wrong]))

    @staticmethod
    def _fix(model: TemplateModel, asg, kinds) -> Fix:
        edits, done = [], set()
        for kind in kinds:
            path = (asg.prop_path("HealthCheckType") if tuple(kind.path) == asg.path
                    else model.fix_path(asg.prop_path(), ("HealthCheckType",), kind))
            if path in done:
                continue
            done.add(path)
            # EC2 checks always run; other types written (EBS) are kept
            others = [v.strip() for v in kind.value.split(",") if v.strip() and v.strip().upper() != "EC2"]
            edits.append(Set(path, ",".join(others + ["ELB"])))
        title = "set HealthCheckType: ELB"
        if "HealthCheckGracePeriod" not in asg.props:
            edits.append(Set(asg.prop_path("HealthCheckGracePeriod"), 300))
            title += " and HealthCheckGracePeriod: 300"
        return Fix(title, edits, unsafe="Auto Scaling replaces instances that fail the load balancer's health check")
