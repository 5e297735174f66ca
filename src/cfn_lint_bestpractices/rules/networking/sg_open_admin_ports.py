"""W9724: a security group that lets the whole internet reach administration or database ports."""

from __future__ import annotations

import ipaddress

from ...model import TemplateModel, as_int
from ...model.network import named_branches

from .._base import BestPracticeRule

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
INGRESS = "AWS::EC2::SecurityGroupIngress"

PORT_NAMES = {22: "SSH", 3389: "RDP", 3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
              27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch/OpenSearch", 2049: "NFS",
              11211: "Memcached"}
SOURCES = {"CidrIp": "0.0.0.0/0", "CidrIpv6": "::/0"}
LOAD_BALANCERS = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer")
# Resources that name a group to add rules to it or to allow it as a source: they do not use it.
_RULE_TYPES = (SECURITY_GROUP, INGRESS, "AWS::EC2::SecurityGroupEgress")


def _protocol(value) -> str | None:
    """'all' for -1, 'tcp' for tcp/6, None for a protocol that carries no TCP port (udp, icmp...)."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text in ("-1", "all"):
        return "all"
    if text in ("tcp", "6"):
        return "tcp"
    return None


def _anywhere(value) -> bool:
    """Whether a CIDR is the whole IPv4 or IPv6 address space: 0.0.0.0/0 or ::/0 (also written out in
    full). A /0 with host bits set (`192.168.1.0/0`) is a typo whose fate we do not guess."""
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_network(value.strip(), strict=True).prefixlen == 0
    except ValueError:
        return False


class SecurityGroupOpenAdminPorts(BestPracticeRule):
    id = "W9724"
    shortdesc = "Security group opens administration or database ports to the internet"
    description = (
        "An ingress rule from 0.0.0.0/0 or ::/0 that reaches SSH (22), RDP (3389) or a database or cache port "
        "(3306, 5432, 1433, 1521, 27017, 6379, 9200, 2049, 11211), by a TCP port range that covers it or by "
        "IpProtocol -1 (every protocol and port), exposes it to the whole internet's scanners and "
        "password-guessing. Inline SecurityGroupIngress and AWS::EC2::SecurityGroupIngress are read. A group "
        "that only load balancers use is not reported (a load balancer answers only on its listener ports)."
    )
    tags = ["ec2", "security-group", "network-security"]
    resource_types = (SECURITY_GROUP, INGRESS)
    options = {
        "ports": {
            "default": sorted(PORT_NAMES), "type": "list", "itemtype": "integer",
            "description": "TCP ports that must not be open to 0.0.0.0/0 or ::/0",
        },
        "report_load_balancer_groups": {
            "default": False, "type": "boolean",
            "description": ("Also report groups that only load balancers of the template use (a load balancer "
                            "answers only on its listener ports, so they are left out by default)"),
        },
    }

    @staticmethod
    def _users(model: TemplateModel, group: str | None) -> list:
        """(resource, scenario) for each use of a security group by an in-template resource (not those
        that only add rules to it or name it as a source), in template order: the scenario is where the
        reference is used (the user exists, and every `Fn::If` on the way takes the reference's branch)."""
        if not group:
            return []
        out = []
        for src, path in model.references.get(group, []):
            res = model.resources[src]
            if res.type in _RULE_TYPES:
                continue
            where = model.path_scenario(path)
            if where is not None:
                out.append((res, where))
        order = list(model.resources)
        return sorted(out, key=lambda u: order.index(u[0].logical_id))

    def _where(self, model: TemplateModel, users: list) -> list | None:
        """The scenarios in which a finding about the group holds: None for every scenario (no in-template
        user, or no load balancer among them, or load balancer groups reported); else the scenarios in
        which something other than a load balancer uses the group (a load balancer answers only on its
        listener ports). Where only load balancers, or nothing, use such a group, it is not judged."""
        if not users or self.config.get("report_load_balancer_groups") \
                or not any(u.type in LOAD_BALANCERS for u, _ in users):
            return None
        return [where for u, where in users if u.type not in LOAD_BALANCERS]

    def findings(self, model: TemplateModel):
        ports = [p for p in (as_int(v) for v in self.config.get("ports") or []) if p is not None]
        if not ports:
            return
        for sg in model.of_type(SECURITY_GROUP):
            users = self._users(model, sg.logical_id)
            where = self._where(model, users)
            if where == []:
                continue
            for entry in model.entries(sg, "SecurityGroupIngress"):
                yield from self._judge(model, f"Security group '{sg.logical_id}'", ports,
                                       lambda key, entry=entry: model.within(entry, key), users, where)
        for rule in model.of_type(INGRESS):
            # the group per branch of GroupId, each judged in the scenarios in which the rule names it
            for group, named in named_branches(model, rule, "GroupId", (SECURITY_GROUP,)):
                if group == "":
                    continue
                users = self._users(model, group)
                where = self._where(model, users)
                if where == []:
                    continue
                scoped = [named] if where is None else [b for w in where for b in [model.together(named, w)] if b]
                label = (f"Ingress rule '{rule.logical_id}' (of security group '{group}')" if group
                         else f"Ingress rule '{rule.logical_id}'")
                yield from self._judge(model, label, ports, lambda key, rule=rule: model.prop(rule, key), users,
                                       scoped)

    @staticmethod
    def _judge(model: TemplateModel, label: str, ports: list[int], read, users: list, where: list | None):
        protocols = [p for p in read("IpProtocol") if _protocol(p.value)]
        if not protocols:
            return
        for key in SOURCES:
            sources = [s for s in read(key) if _anywhere(s.value)]
            if not sources:
                continue
            froms, tos = read("FromPort"), read("ToPort")
            for (source, protocol, low, high), both in model.combine(sources, protocols, froms, tos):
                if where is not None:
                    both = next((b for w in where for b in [model.together(both, w)] if b is not None), None)
                    if both is None:
                        continue
                if _protocol(protocol.value) == "all":
                    reached, how = ports, "every protocol and port (IpProtocol -1)"
                else:
                    lo, hi = as_int(low.value), as_int(high.value)
                    if lo is None or hi is None or lo < 0 or hi < 0:
                        continue  # unknown, or a -1 whose meaning for TCP is not documented
                    reached = [p for p in ports if lo <= p <= hi]
                    how = f"TCP port {lo}" if lo == hi else f"TCP ports {lo}-{hi}"
                if not reached:
                    continue
                named = ", ".join(f"{p} ({PORT_NAMES[p]})" if p in PORT_NAMES else str(p) for p in reached)
                used = ""
                here = []
                for u, w in users:
                    if u not in here and model.together(both, w) is not None:
                        here.append(u)
                if here:
                    shown = ", ".join(f"'{u.logical_id}' ({u.type})" for u in here[:4])
                    used = f" (the group is used by {shown}{f' and {len(here) - 4} more' if len(here) > 4 else ''})"
                yield (source.path,
                       f"{label} allows {how} from {source.value}{both.describe()}, which reaches {named} from "
                       f"anywhere on the internet{used}. Allow only the address ranges or security groups that need "
                       "it (for shell access, Session Manager or EC2 Instance Connect need no open port).")
                break
