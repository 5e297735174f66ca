"""W9706: an Auto Scaling group behind a load balancer that ignores the load balancer's health checks."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import Branch, TemplateModel
from ...model.network import AUTO_SCALING_GROUP
from ...model.props import list_branches, str_branches

from .._base import BestPracticeRule

ASG = AUTO_SCALING_GROUP

# TrafficSources Type -> the HealthCheckType that makes Auto Scaling act on that source's health checks
SOURCE_CHECK = {"elb": "ELB", "elbv2": "ELB", "vpc-lattice": "VPC_LATTICE"}
WHAT = {"ELB": "a load balancer", "VPC_LATTICE": "a VPC Lattice target group"}


def _needs(model: TemplateModel, asg) -> list[Branch]:
    """Branches whose value is the health check type a traffic source of the group needs: ELB for
    TargetGroupARNs, LoadBalancerNames and TrafficSources of Type elb/elbv2, VPC_LATTICE for Type
    vpc-lattice. A TrafficSources entry whose Type cannot be known is left out."""
    out = [Branch("ELB", br.conditions, br.path, br.params)
           for br in list_branches(model, asg, "TargetGroupARNs") + list_branches(model, asg, "LoadBalancerNames")
           if br.value]
    for entry in model.entries(asg, "TrafficSources"):
        for kind in model.within(entry, "Type"):
            need = SOURCE_CHECK.get(kind.value.strip().lower()) if isinstance(kind.value, str) else None
            if need:
                out.append(Branch(need, kind.conditions, entry.path, kind.params))
    return out


class AsgElbHealthCheck(BestPracticeRule):
    id = "W9706"
    shortdesc = "Auto Scaling group behind a load balancer uses EC2 health checks only"
    description = (
        "An Auto Scaling group registered with a load balancer (TargetGroupARNs, LoadBalancerNames, or "
        "TrafficSources of Type elb/elbv2) keeps instances that the load balancer marks unhealthy unless "
        "HealthCheckType includes ELB; one attached to a VPC Lattice target group (TrafficSources Type "
        "vpc-lattice) needs VPC_LATTICE. The default, EC2, only replaces instances whose EC2 status checks fail."
    )
    tags = ["autoscaling", "elb", "health-check"]
    resource_types = ("AWS::AutoScaling::AutoScalingGroup",)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        for asg in model.of_type(ASG):
            needs = _needs(model, asg)
            if not needs:
                continue
            types = str_branches(model, asg, "HealthCheckType", default="EC2")
            combos = list(model.combine(needs, types))
            edit = self._fix(model, asg, combos)
            reported = set()
            for (need, kind), merged in combos:
                if need.value in reported:
                    continue
                values = {v.strip().upper() for v in kind.value.split(",")}
                if need.value in values:
                    continue
                reported.add(need.value)
                if need.value == "ELB":
                    fix = ("Set HealthCheckType: ELB and a HealthCheckGracePeriod long enough for an instance to "
                           "boot (the CloudFormation default is 0 seconds).")
                else:
                    fix = ("Add VPC_LATTICE to HealthCheckType (HealthCheckType: VPC_LATTICE, or ELB,VPC_LATTICE "
                           "beside a load balancer) and a HealthCheckGracePeriod long enough for an instance to "
                           "boot (the CloudFormation default is 0 seconds).")
                yield (kind.path,
                       f"Auto Scaling group '{asg.logical_id}' is registered with {WHAT[need.value]} but its "
                       f"HealthCheckType is {kind.value}{merged.describe()}: instances that fail "
                       f"{'the load balancer' if need.value == 'ELB' else 'VPC Lattice'}'s health check stay in "
                       f"service. {fix}", edit)

    @staticmethod
    def _fix(model: TemplateModel, asg, combos) -> Fix:
        """One fix for every finding of the group: each HealthCheckType branch that lacks a type the group
        needs gets its own non-EC2 types (EC2 always runs) plus every needed type; HealthCheckGracePeriod
        300 (the console's default) only when it is absent."""
        needed = [t for t in ("ELB", "VPC_LATTICE") if any(need.value == t for (need, _), _ in combos)]
        edits, done = [], set()
        for (need, kind), _ in combos:
            types = [v.strip() for v in kind.value.split(",") if v.strip()]
            if need.value in {t.upper() for t in types}:
                continue
            path = (asg.prop_path("HealthCheckType") if tuple(kind.path) == asg.path
                    else model.fix_path(asg.prop_path(), ("HealthCheckType",), kind))
            if path in done:
                continue
            done.add(path)
            kept = [t for t in types if t.upper() != "EC2"]
            value = kept + [t for t in needed if t not in {k.upper() for k in kept}]
            edits.append(Set(path, ",".join(value)))
        title = f"add {' and '.join(needed)} to HealthCheckType"
        if "HealthCheckGracePeriod" not in asg.props:
            edits.append(Set(asg.prop_path("HealthCheckGracePeriod"), 300))
            title += " and HealthCheckGracePeriod: 300"
        return Fix(title, edits, unsafe="Auto Scaling then replaces instances that fail the load balancer's "
                                        "(or VPC Lattice's) health check")
