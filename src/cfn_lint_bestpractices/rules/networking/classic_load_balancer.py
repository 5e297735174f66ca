"""W9729: a Classic Load Balancer."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.load_balancing import CLB

from .._base import BestPracticeRule


class ClassicLoadBalancer(BestPracticeRule):
    id = "W9729"
    shortdesc = "Classic Load Balancer"
    description = (
        "The Classic Load Balancer is Elastic Load Balancing's previous generation: it lacks what Application "
        "and Network Load Balancers offer (host and path routing, HTTP/2 and gRPC, IP and Lambda targets, "
        "awsvpc tasks of ECS and Fargate, per-target-group health checks). AWS recommends migrating to a "
        "current-generation load balancer."
    )
    tags = ["elb", "legacy"]
    resource_types = (CLB,)

    def findings(self, model: TemplateModel):
        for lb in model.of_type(CLB):
            scenario = model.exists(lb)
            if not model.possible(scenario.conditions, scenario.params):
                continue  # its Condition never holds (for a W rule: not at the parameters' Defaults)
            yield (lb.path,
                   f"Load balancer '{lb.logical_id}' is a Classic Load Balancer{scenario.describe()}, the previous "
                   "generation of Elastic Load Balancing. Use an Application Load Balancer for HTTP and HTTPS, or a "
                   "Network Load Balancer for TCP, TLS and UDP (AWS's migration wizard copies the configuration).")
