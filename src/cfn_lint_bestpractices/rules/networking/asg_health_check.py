"""W9706: an Auto Scaling group behind a load balancer that ignores the load balancer's health checks."""

from __future__ import annotations

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

    def findings(self, model: TemplateModel):
        for asg in model.of_type(ASG):
            targets = [br for br in list_branches(model, asg, "TargetGroupARNs") + list_branches(model, asg, "LoadBalancerNames")
                       if br.value]
            if not targets:
                continue
            types = str_branches(model, asg, "HealthCheckType", default="EC2")
            for (_, kind), merged in model.combine(targets, types):
                values = {v.strip().upper() for v in kind.value.split(",")}
                if values & {"ELB", "VPC_LATTICE"}:
                    continue
                yield (kind.path,
                       f"Auto Scaling group '{asg.logical_id}' is registered with a load balancer but its "
                       f"HealthCheckType is {kind.value}{merged.describe()}: instances that fail the load balancer's "
                       "health check stay in service. Set HealthCheckType: ELB and a HealthCheckGracePeriod long "
                       "enough for an instance to boot (the CloudFormation default is 0 seconds).")
                break
