"""W9726: load balancer targets whose security groups do not let the load balancer in."""

from __future__ import annotations

from ...model import TemplateModel, as_int
from ...model.load_balancing import LISTENER_RULE, listeners_by_load_balancer, rule_listener

from .._base import BestPracticeRule

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
INGRESS = "AWS::EC2::SecurityGroupIngress"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
ASG = "AWS::AutoScaling::AutoScalingGroup"
SERVICE = "AWS::ECS::Service"
UNKNOWN_RULES = "unknown"


class LoadBalancerTargetSecurityGroup(BestPracticeRule):
    id = "W9726"
    shortdesc = "Target security groups do not let the Application Load Balancer in"
    description = (
        "An Application Load Balancer reaches its targets from its security groups: the targets' security "
        "groups must allow ingress from them on the target port (and a numeric health check port). When every "
        "security group of an Auto Scaling group's launch template (or an awsvpc ECS service) is in the "
        "template and none of their rules allows the load balancer's group, a CIDR or a prefix list on that "
        "port, requests and health checks time out and every target stays unhealthy."
    )
    tags = ["elb", "security-group", "autoscaling", "ecs"]
    resource_types = (SECURITY_GROUP,)

    def findings(self, model: TemplateModel):
        rules = self._ingress_rules(model)
        if rules is None:
            return
        targets = self._targets(model)
        seen = set()
        for lb in model.of_type(ELBV2):
            if model.one(lb.props.get("Type", "application")) != "application":
                continue  # a Network Load Balancer may pass on the client's address: not judged
            lb_groups = self._groups(model, lb.props.get("SecurityGroups"))
            if not lb_groups:
                continue
            for tg_id in sorted(self._target_groups(model, lb.logical_id)):
                for target, groups, ports in targets.get(tg_id, []):
                    for port in ports:
                        key = (lb.logical_id, tuple(groups), port)
                        if key in seen or set(groups) & set(lb_groups):
                            continue
                        if any(rules.get(g) == UNKNOWN_RULES for g in groups):
                            continue
                        verdicts = [self._allows(model, entry, lb_groups, port)
                                    for g in groups for entry in rules.get(g, [])]
                        if any(v is None or v is True for v in verdicts):
                            continue
                        seen.add(key)
                        sg = model.resources[groups[0]]
                        path = sg.prop_path("SecurityGroupIngress") if "SecurityGroupIngress" in sg.props else sg.path
                        names = ", ".join(f"'{g}'" for g in groups)
                        source = lb_groups[0]
                        yield (path,
                               f"Security group {names} of {target} (a target of load balancer '{lb.logical_id}' "
                               f"through target group '{tg_id}') allows no ingress on TCP port {port} from the load "
                               f"balancer's security group '{source}': requests and health checks time out and the "
                               "targets never become healthy. Add SecurityGroupIngress {IpProtocol: tcp, FromPort: "
                               f"{port}, ToPort: {port}, SourceSecurityGroupId: !GetAtt {source}.GroupId}}.")

    # -- reading ------------------------------------------------------------------------------------
    @staticmethod
    def _groups(model: TemplateModel, node) -> list[str] | None:
        """In-template security groups of a list, or None when the list is absent or holds anything else."""
        value = model.one(node) if node is not None else None
        if not isinstance(value, list) or not value:
            return None
        out = []
        for item in value:
            names = [n for n in model.refers_to(model.one(item)) if model.resources[n].type == SECURITY_GROUP]
            if len(names) != 1:
                return None
            out.append(names[0])
        return out

    @staticmethod
    def _ingress_rules(model: TemplateModel) -> dict | None:
        """security group -> its ingress entries (inline and separate), or UNKNOWN_RULES when they cannot be
        read; None when a separate ingress rule belongs to a group we cannot name (it may be any of them)."""
        out: dict = {}
        for sg in model.of_type(SECURITY_GROUP):
            if "SecurityGroupIngress" not in sg.props:
                out[sg.logical_id] = []
                continue
            value = model.one(sg.props["SecurityGroupIngress"])
            items = [model.one(i) for i in value] if isinstance(value, list) else None
            out[sg.logical_id] = items if items is not None and all(isinstance(i, dict) for i in items) \
                else UNKNOWN_RULES
        for rule in model.of_type(INGRESS):
            names = model.refers_to(model.one(rule.props.get("GroupId")))
            if len(names) != 1 or names[0] not in out:
                group = model.one(rule.props.get("GroupId"))
                if isinstance(group, str) and group.startswith("sg-") and not names:
                    continue  # a group from outside the template
                return None
            if out[names[0]] != UNKNOWN_RULES:
                out[names[0]] = out[names[0]] + [rule.props]
        return out

    @staticmethod
    def _target_groups(model: TemplateModel, lb_id: str) -> set[str]:
        listeners = listeners_by_load_balancer(model).get(lb_id, [])
        ids = {listener.logical_id for listener in listeners}
        actions = [model.one(listener.props.get("DefaultActions")) for listener in listeners]
        actions += [model.one(rule.props.get("Actions")) for rule in model.of_type(LISTENER_RULE)
                    if rule_listener(model, rule) in ids]
        out = set()
        for value in actions:
            for action in value if isinstance(value, list) else []:
                action = model.one(action)
                if not isinstance(action, dict):
                    continue
                arns = [action.get("TargetGroupArn")]
                forward = model.one(action.get("ForwardConfig"))
                if isinstance(forward, dict) and isinstance(model.one(forward.get("TargetGroups")), list):
                    arns += [model.one(t).get("TargetGroupArn") for t in model.one(forward.get("TargetGroups"))
                             if isinstance(model.one(t), dict)]
                for arn in arns:
                    tg = model.lookup_node(arn, (TARGET_GROUP,)) if arn is not None else None
                    if tg:
                        out.add(tg)
        return out

    def _targets(self, model: TemplateModel) -> dict[str, list]:
        """target group -> [(description, target security groups, ports)] for Auto Scaling groups whose
        launch template or configuration names only in-template groups, and awsvpc ECS services."""
        out: dict[str, list] = {}
        for asg in model.of_type(ASG):
            groups = self._asg_groups(model, asg)
            if not groups:
                continue
            tgs = model.one(asg.props.get("TargetGroupARNs"))
            for arn in tgs if isinstance(tgs, list) else []:
                tg = model.lookup_node(arn, (TARGET_GROUP,))
                ports = self._ports(model, tg) if tg else []
                if ports:
                    out.setdefault(tg, []).append((f"Auto Scaling group '{asg.logical_id}'", groups, ports))
        for service in model.of_type(SERVICE):
            conf = model.one(service.props.get("NetworkConfiguration"))
            vpc = model.one(conf.get("AwsvpcConfiguration")) if isinstance(conf, dict) else None
            groups = self._groups(model, vpc.get("SecurityGroups")) if isinstance(vpc, dict) else None
            balancers = model.one(service.props.get("LoadBalancers"))
            if not groups or not isinstance(balancers, list):
                continue
            for item in balancers:
                item = model.one(item)
                tg = model.lookup_node(item.get("TargetGroupArn"), (TARGET_GROUP,)) if isinstance(item, dict) else None
                port = as_int(model.one(item.get("ContainerPort"))) if tg else None
                if port:
                    ports = [port] + [p for p in self._ports(model, tg, health_only=True) if p != port]
                    out.setdefault(tg, []).append((f"ECS service '{service.logical_id}'", groups, ports))
        return out

    def _asg_groups(self, model: TemplateModel, asg) -> list[str] | None:
        spec = model.one(asg.props.get("LaunchTemplate"))
        if isinstance(spec, dict):
            lt = model.lookup_node(spec.get("LaunchTemplateId", spec.get("LaunchTemplateName")), (LAUNCH_TEMPLATE,))
            data = model.one(model.resources[lt].props.get("LaunchTemplateData")) if lt else None
            if not isinstance(data, dict) or "NetworkInterfaces" in data or "SecurityGroups" in data:
                return None
            return self._groups(model, data.get("SecurityGroupIds"))
        config = model.lookup_node(asg.props.get("LaunchConfigurationName"), (LAUNCH_CONFIGURATION,))
        if config:
            return self._groups(model, model.resources[config].props.get("SecurityGroups"))
        return None

    @staticmethod
    def _ports(model: TemplateModel, tg_id: str, health_only: bool = False) -> list[int]:
        """The instance target group's port and its numeric health check port (traffic-port is the same)."""
        tg = model.resources[tg_id]
        kind = model.one(tg.props.get("TargetType", "instance"))
        protocol = model.one(tg.props.get("Protocol", "HTTP"))
        if not isinstance(protocol, str) or protocol.upper() not in ("HTTP", "HTTPS", "TCP", "TLS"):
            return []
        ports = []
        if not health_only:
            if kind != "instance":
                return []
            port = as_int(model.one(tg.props.get("Port")))
            if port is None:
                return []
            ports.append(port)
        health = model.one(tg.props.get("HealthCheckPort", "traffic-port"))
        if health != "traffic-port":
            value = as_int(health)
            if value is None:
                return [] if not health_only else []
            if value not in ports:
                ports.append(value)
        return ports

    @staticmethod
    def _allows(model: TemplateModel, entry: dict, lb_groups: list[str], port: int):
        """True when an ingress entry lets the load balancer's groups reach the port, False when it
        certainly does not, None when it may (a CIDR or prefix list, values we cannot read)."""
        protocol = model.one(entry.get("IpProtocol"))
        text = str(protocol).strip().lower() if isinstance(protocol, (str, int)) else None
        if text is None:
            return None
        if text not in ("-1", "tcp", "6"):
            return False
        if text != "-1":
            low, high = as_int(model.one(entry.get("FromPort"))), as_int(model.one(entry.get("ToPort")))
            if low is None or high is None:
                return None
            if not (low <= port <= high):
                return False
        if any(k in entry for k in ("CidrIp", "CidrIpv6", "SourcePrefixListId", "SourceSecurityGroupName")):
            return None
        if "SourceSecurityGroupId" not in entry:
            return None
        names = model.refers_to(model.one(entry.get("SourceSecurityGroupId")))
        if not names:
            return None
        return any(n in lb_groups for n in names)
