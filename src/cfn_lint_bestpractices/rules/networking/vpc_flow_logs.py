"""I9723: a VPC without a flow log in the template."""

from __future__ import annotations

from ...model import UNKNOWN, Branch, TemplateModel

from .._base import EnvironmentDependentRule

VPC = "AWS::EC2::VPC"
SUBNET = "AWS::EC2::Subnet"
FLOW_LOG = "AWS::EC2::FlowLog"


class VpcFlowLogs(EnvironmentDependentRule):
    id = "I9723"
    shortdesc = "VPC without a flow log"
    description = (
        "A VPC that no AWS::EC2::FlowLog of the template captures (by the VPC, or by one of its subnets) "
        "records no IP traffic metadata: no evidence for a security investigation and nothing to debug a "
        "rejected connection with. Organizations that create flow logs centrally switch this off: see "
        "exempt_resources and production_conditions, or disable I9723."
    )
    tags = ["vpc", "logging", "flow-logs"]
    resource_types = (VPC,)

    def findings(self, model: TemplateModel):
        vpcs = [v for v in model.of_type(VPC) if not self.exempt(v.logical_id)]
        if not vpcs:
            return
        covered: dict[str, list] = {}
        subnet_vpc = {s.logical_id: model.vpc_of(s) for s in model.of_type(SUBNET)}
        for log in model.of_type(FLOW_LOG):
            targets = []
            for key in ("ResourceId",):
                if key not in log.props:
                    continue
                for br in model.elements(log.props[key]):
                    if br.value is UNKNOWN:
                        return  # a flow log on something we cannot name may be on any of these VPCs
                    for name in model.refers_to(br.value):
                        targets.append(name if name not in subnet_vpc else subnet_vpc[name])
            for target in targets:
                if target:
                    covered.setdefault(target, []).append(log)
        for vpc in vpcs:
            logs = covered.get(vpc.logical_id, [])
            if any(not log.condition or log.condition == vpc.condition for log in logs):
                continue
            if len({log.condition for log in logs}) > 1:
                continue  # several conditional flow logs: which scenarios they leave out is not worth guessing
            scenario = model.exists(vpc)
            if logs:
                scenario = model.together(scenario, Branch(None, ((logs[0].condition, False),)))
                if scenario is None:
                    continue
            if self.non_production(model, scenario):
                continue
            yield (vpc.path,
                   f"VPC '{vpc.logical_id}' has no flow log in this template{scenario.describe()}: its accepted "
                   "and rejected traffic is not recorded, so a security investigation or a blocked connection has "
                   "no network evidence. Add an AWS::EC2::FlowLog with ResourceType: VPC and ResourceId: "
                   f"!Ref {vpc.logical_id} (to CloudWatch Logs or S3), or exempt the VPC if flow logs are created "
                   "elsewhere.")
