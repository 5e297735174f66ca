"""W9510: a Lambda function in a VPC whose subnets give it no way out."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, Branch, TemplateModel
from ...model.iam import function_services
from ...model.network import IGW_ONLY, NO_DEFAULT, endpoint_covers, subnet_egress, uncovered
from .._base import BestPracticeRule


class VpcEgress(BestPracticeRule):
    id = "W9510"
    shortdesc = "Lambda function in a VPC without an egress path"
    description = (
        "A Lambda function attached to a VPC reaches the internet and AWS APIs only through its subnets' "
        "routes: a default route to a NAT gateway (or another egress target), or VPC endpoints for the "
        "services it calls. A default route to an internet gateway alone does not work, because Lambda's "
        "network interfaces get no public IP address."
    )
    tags = ["lambda", "vpc", "networking"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    @staticmethod
    def _problem(model: TemplateModel, fn, subnet: str, services_of, need: Branch):
        """(what keeps traffic from leaving this subnet, the scenario within `need` in which it does), or
        None when it can leave (or we cannot tell). A VPC endpoint lets traffic out only in the scenarios
        in which it exists (its Condition)."""
        kind, tables = subnet_egress(model, subnet)
        if kind == IGW_ONLY:
            return (f"subnet '{subnet}' sends 0.0.0.0/0 only to an internet gateway, and Lambda's network "
                    "interfaces never get a public IP address, so nothing leaves through it"), need
        if kind != NO_DEFAULT:
            return None
        vpc = model.vpc_of(model.resources[subnet])
        if vpc is None:
            return None
        endpoints = model.vpc_endpoints.get(vpc, [])
        services = services_of()
        if services is None:
            # the template does not say what the function calls: only an endpoint-less VPC is certain
            where = uncovered(model, need, [model.exists(ep) for ep in endpoints])
            if where is None:
                return None
            return (f"subnet '{subnet}' has no default route and VPC '{vpc}' has no VPC endpoint, so only "
                    "resources inside the VPC are reachable"), where
        missing, where = [], need
        for svc in sorted(services):
            grants = [model.exists(ep) for ep in endpoints if endpoint_covers(model, ep, svc, tables) is not False]
            gap = uncovered(model, where, grants)
            if gap is not None:
                missing.append(svc)
                where = gap
        if not missing:
            return None
        return (f"subnet '{subnet}' has no default route and no VPC endpoint for {', '.join(missing)}, "
                "which the function's role calls"), where

    def findings(self, model: TemplateModel):
        for fn in model.functions:
            subnet_branches: dict[str, Branch] = {}
            for br in model.prop(fn.resource, "VpcConfig", "SubnetIds"):
                if br.value is ABSENT or br.value is UNKNOWN or not isinstance(br.value, list):
                    continue
                for node in br.value:
                    for sb in model.branches(node):
                        subnet = model.lookup(sb.value, ("AWS::EC2::Subnet",))
                        if subnet:  # in the scenario that puts this subnet in the list
                            subnet_branches.setdefault(subnet, model.together(br, sb) or br)
            if not subnet_branches:
                continue
            services: list = []

            def services_of(fn=fn, services=services):
                if not services:
                    services.append(function_services(model, fn))
                return services[0]

            # each finding gathers the problems that hold together in one scenario (the SubnetIds branch
            # of its first subnet, narrowed to where the problems hold)
            groups: list[tuple[Branch, list[str]]] = []
            for subnet, branch in subnet_branches.items():
                found = self._problem(model, fn, subnet, services_of, branch)
                if not found:
                    continue
                problem, scenario = found
                for i, (where, problems) in enumerate(groups):
                    both = model.together(where, scenario)
                    if both is not None:
                        groups[i] = (both, problems + [problem])
                        break
                else:
                    groups.append((scenario, [problem]))
            for where, problems in groups:
                yield (where.path,
                       f"Lambda function '{fn.logical_id}' runs in a VPC without a way out{where.describe()}: "
                       + "; ".join(problems)
                       + ". Put it in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway, "
                       "or add VPC endpoints for the AWS services it calls.")
