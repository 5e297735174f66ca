"""W9726: load balancer targets whose security groups do not let the load balancer in."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel, as_int
from ...model.load_balancing import LISTENER, LISTENER_RULE
from ...model.network import named_branches, uncovered
from ...model.values import Branch

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
            # a Network Load Balancer may pass on the client's address: not judged
            kinds = [k for k in model.strings(lb, "Type", default="application") if k.value == "application"]
            if not kinds:
                continue
            lb_groups = self._groups(model, lb.props.get("SecurityGroups"))
            if not lb_groups:
                continue
            for tg_id, tg_where in self._target_groups(model, lb.logical_id):
                for target, groups, ports, target_where in targets.get(tg_id, []):
                    for port in ports:
                        key = (lb.logical_id, tuple(groups), port)
                        if key in seen or set(groups) & set(lb_groups):
                            continue
                        if any(rules.get(g) == UNKNOWN_RULES for g in groups):
                            continue
                        # where the chain exists: the load balancer (application), the listener and its action
                        # naming the target group, the target naming it; each ingress entry lets the load
                        # balancer in only where it exists
                        need = next((both for kind in kinds for both in [model.together(kind, tg_where, target_where)]
                                     if both is not None), None)
                        if need is None:
                            continue
                        grants = [where for g in groups for entry, where in rules.get(g, [])
                                  if self._allows(model, entry, lb_groups, port) is not False]
                        miss = uncovered(model, need, grants)
                        if miss is None:
                            continue
                        seen.add(key)
                        sg = model.resources[groups[0]]
                        path = sg.prop_path("SecurityGroupIngress") if "SecurityGroupIngress" in sg.props else sg.path
                        names = ", ".join(f"'{g}'" for g in groups)
                        source = lb_groups[0]
                        yield (path,
                               f"Security group {names} of {target} (a target of load balancer '{lb.logical_id}' "
                               f"through target group '{tg_id}') allows no ingress on TCP port {port} from the load "
                               f"balancer's security group '{source}'{miss.describe()}: requests and health checks time "
                               "out and the targets never become healthy. Add SecurityGroupIngress {IpProtocol: tcp, "
                               f"FromPort: {port}, ToPort: {port}, SourceSecurityGroupId: !GetAtt {source}.GroupId}}.")

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
        """security group -> [(ingress entry, scenario in which it exists)] (inline, per branch of the list
        and of the entry, and separate rules per branch of their GroupId, where they exist), or UNKNOWN_RULES
        when they cannot be read; None when a separate ingress rule belongs to a group we cannot name (it
        may be any of them)."""
        out: dict = {}
        for sg in model.of_type(SECURITY_GROUP):
            if any(b.value is not ABSENT and not isinstance(b.value, list) for b in model.prop(sg, "SecurityGroupIngress")):
                out[sg.logical_id] = UNKNOWN_RULES
                continue
            out[sg.logical_id] = [(e.value, e) for e in model.entries(sg, "SecurityGroupIngress")]
        for rule in model.of_type(INGRESS):
            for group, where in named_branches(model, rule, "GroupId", (SECURITY_GROUP,)):
                if not group:
                    if isinstance(where.value, str) and where.value.startswith("sg-"):
                        continue  # a group from outside the template
                    return None
                if group not in out:
                    return None  # a group this model does not hold (another stack's): it may be any of them
                if out[group] != UNKNOWN_RULES:
                    out[group] = out[group] + [(rule.props, where)]
        return out

    @staticmethod
    def _target_groups(model: TemplateModel, lb_id: str) -> list[tuple[str, Branch]]:
        """(target group, scenario) for each forward of a listener of the load balancer (its default actions
        and its rules), per branch of the LoadBalancerArn, ListenerArn and TargetGroupArn, where the listener
        and rule exist."""
        listeners = []
        for listener in model.of_type(LISTENER):
            listeners += [(listener, where) for lb, where in named_branches(model, listener, "LoadBalancerArn", (ELBV2,))
                          if lb == lb_id]
        holders = [(listener, "DefaultActions", where) for listener, where in listeners]
        for rule in model.of_type(LISTENER_RULE):
            for target, rule_where in named_branches(model, rule, "ListenerArn", (LISTENER,)):
                for listener, where in listeners:
                    both = model.together(rule_where, where) if target == listener.logical_id else None
                    if both is not None:
                        holders.append((rule, "Actions", both))
        out = []
        for res, key, where in holders:
            for action in model.entries(res, key):
                arns = list(model.within(action, "TargetGroupArn"))
                for forward in model.within(action, "ForwardConfig", "TargetGroups"):
                    for i, item in enumerate(forward.value if isinstance(forward.value, list) else []):
                        arns += [b for b in [model.together(sub, forward) for sub in model.get(item, "TargetGroupArn")]
                                 if b is not None]
                for arn in arns:
                    tg = model.lookup(arn.value, (TARGET_GROUP,)) if isinstance(arn.value, str) else None
                    both = model.together(arn, where) if tg else None
                    if both is not None:
                        out.append((tg, model.together(both, model.exists(model.resources[tg])) or both))
        return sorted(out, key=lambda t: t[0])

    def _targets(self, model: TemplateModel) -> dict[str, list]:
        """target group -> [(description, target security groups, ports, scenario)] for Auto Scaling groups
        whose launch template or configuration names only in-template groups, and awsvpc ECS services; the
        scenario is where the target exists and names the target group (per branch of TargetGroupARNs,
        LoadBalancers and TargetGroupArn)."""
        out: dict[str, list] = {}
        for asg in model.of_type(ASG):
            groups = self._asg_groups(model, asg)
            if not groups:
                continue
            for lst in model.prop(asg, "TargetGroupARNs"):
                for i, node in enumerate(lst.value if isinstance(lst.value, list) else []):
                    for arn in model.branches(node):
                        tg = model.lookup(arn.value, (TARGET_GROUP,)) if isinstance(arn.value, str) else None
                        where = model.together(lst, arn) if tg else None
                        ports = self._ports(model, tg) if where is not None else []
                        if ports:
                            out.setdefault(tg, []).append((f"Auto Scaling group '{asg.logical_id}'", groups, ports, where))
        for service in model.of_type(SERVICE):
            # the service's security groups are read once (a list under Fn::If is not judged)
            conf = model.one(service.props.get("NetworkConfiguration"))
            vpc = model.one(conf.get("AwsvpcConfiguration")) if isinstance(conf, dict) else None
            groups = self._groups(model, vpc.get("SecurityGroups")) if isinstance(vpc, dict) else None
            if not groups:
                continue
            for entry in model.entries(service, "LoadBalancers"):
                for arn in model.within(entry, "TargetGroupArn"):
                    tg = model.lookup(arn.value, (TARGET_GROUP,)) if isinstance(arn.value, str) else None
                    port = as_int(model.one(entry.value.get("ContainerPort"))) if tg else None
                    if port:
                        ports = [port] + [p for p in self._ports(model, tg, health_only=True) if p != port]
                        out.setdefault(tg, []).append((f"ECS service '{service.logical_id}'", groups, ports, arn))
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
