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
        # vpc -> the scenarios in which some flow log captures it: the log's own Condition, and the
        # branch of its ResourceId (`!If [UseSubnetLog, !Ref Subnet, !Ref Vpc]`)
        covered: dict[str, list[Branch]] = {}
        subnet_vpc = {s.logical_id: model.vpc_of(s) for s in model.of_type(SUBNET)}
        for log in model.of_type(FLOW_LOG):
            if "ResourceId" not in log.props:
                continue
            for br in model.elements(log.props["ResourceId"]):
                if br.value is UNKNOWN:
                    return  # a flow log on something we cannot name may be on any of these VPCs
                where = model.together(br, model.exists(log))
                if where is None:
                    continue
                for name in model.refers_to(br.value):
                    target = name if name not in subnet_vpc else subnet_vpc[name]
                    if target:
                        covered.setdefault(target, []).append(where)
        for vpc in vpcs:
            # a scenario in which the VPC exists and every flow log on it does not: for each log, one of
            # the conditions it needs is false (a log that depends on a parameter's value counts always)
            absent = []
            for where in covered.get(vpc.logical_id, []):
                if not where.conditions or where.params:
                    absent = None
                    break
                absent.append([Branch(None, ((name, not value),)) for name, value in where.conditions])
            if absent is None:
                continue
            scenario = next((both for _, both in model.combine([model.exists(vpc)], *absent)
                             if not self.non_production(model, both)), None)
            if scenario is None:
                continue
            yield (vpc.path,
                   f"VPC '{vpc.logical_id}' has no flow log in this template{scenario.describe()}: its accepted "
                   "and rejected traffic is not recorded, so a security investigation or a blocked connection has "
                   "no network evidence. Add an AWS::EC2::FlowLog with ResourceType: VPC and ResourceId: "
                   f"!Ref {vpc.logical_id} (to CloudWatch Logs or S3), or exempt the VPC if flow logs are created "
                   "elsewhere.")
