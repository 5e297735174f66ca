"""W9709 and I9710: load balancers in a single subnet, and Network/Gateway/Classic Load Balancers without
cross-zone load balancing."""

from __future__ import annotations

from ...fixes import Append, Fix, NoFix, Set
from ...model import TemplateModel
from ...model.props import bool_branches, list_branches, str_branches
from ...model.network import one_zone
from ...model.values import ABSENT, Branch

from .._base import BestPracticeRule

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"
SUBNET = "AWS::EC2::Subnet"
CROSS_ZONE = "load_balancing.cross_zone.enabled"


def _literal_lists(model: TemplateModel, lb, key: str) -> list:
    """Branches in which `key` is a one-entry list written in the template. A list that comes from a
    parameter's default is not judged: defaults of subnet lists are placeholders more often than not."""
    if key not in lb.props:
        return []
    return [br for br in list_branches(model, lb, key) if len(br.value) == 1 and not br.params]


class LoadBalancerSingleZone(BestPracticeRule):
    id = "W9709"
    shortdesc = "Network, Gateway or Classic Load Balancer in a single subnet"
    description = (
        "A load balancer serves from the Availability Zones of its subnets. Application Load Balancers need "
        "two (stock cfn-lint checks that); Network, Gateway and Classic Load Balancers accept one, and then an "
        "outage of that zone takes the load balancer down. Subnets that all lie in one zone (in some scenario) "
        "are one zone too."
    )
    tags = ["elb", "availability"]
    resource_types = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer")

    def findings(self, model: TemplateModel):
        for lb in model.of_type(ELBV2):
            kinds = [k for k in str_branches(model, lb, "Type", default="application") if k.value in ("network", "gateway")]
            if not kinds:
                continue
            for key in ("Subnets", "SubnetMappings"):
                for (br, kind), both in model.combine(_literal_lists(model, lb, key), kinds):
                    yield (br.path, self._message(lb.logical_id, f"{kind.value.capitalize()} Load Balancer", key, both))
                for br, what, scenario in one_zone(model, lb, key):
                    for kind in kinds:
                        both = model.together(scenario, kind)
                        if both is None:
                            continue
                        yield (br.path, self._message(lb.logical_id, f"{kind.value.capitalize()} Load Balancer", key,
                                                      both, what))
                        break
        for lb in model.of_type(CLB):
            for key in ("Subnets", "AvailabilityZones"):
                for br in _literal_lists(model, lb, key):
                    yield (br.path, self._message(lb.logical_id, "Classic Load Balancer", key, br))
            for br, what, scenario in one_zone(model, lb, "Subnets"):
                yield (br.path, self._message(lb.logical_id, "Classic Load Balancer", "Subnets", scenario, what))

    @staticmethod
    def _message(name: str, kind: str, key: str, br, what: str = "one entry") -> str:
        return (f"{kind} '{name}' lists {what} in {key}{br.describe()}, so it serves from a single Availability "
                f"Zone and fails with it. List subnets in at least two zones.")


class LoadBalancerCrossZone(BestPracticeRule):
    id = "I9710"
    shortdesc = "Cross-zone load balancing off"
    description = (
        "Network and Gateway Load Balancers (and Classic Load Balancers created through CloudFormation) "
        "start with cross-zone load balancing off: each zone's node sends traffic only to targets in its own "
        "zone, so uneven targets per zone get uneven load. Application Load Balancers always balance across zones. "
        "A Network Load Balancer's default is a cost and isolation choice (cross-zone traffic is charged) and is "
        "not reported unless check_network_load_balancers is set."
    )
    tags = ["elb", "availability"]
    resource_types = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer")
    fixable = "unsafe"
    options = {
        "check_network_load_balancers": {
            "default": False, "type": "boolean",
            "description": ("Also report Network Load Balancers (cross-zone off is their default and a cost choice: "
                            "traffic that crosses zones is charged)"),
        },
    }
    _UNSAFE = ("traffic then crosses Availability Zones (inter-zone data transfer is charged for Network and "
               "Gateway Load Balancers), and zonal isolation is lost")

    def _elbv2_fix(self, model: TemplateModel, lb, state: str, path):
        kinds = str_branches(model, lb, "Type", default="application")
        if any(k.value not in ("network", "gateway") for k in kinds):
            return NoFix(f"'{lb.logical_id}' is not a Network or Gateway Load Balancer in every scenario")
        if state == "off":
            if path is None:
                return NoFix("the attribute's Value is computed: change it where it comes from")
            return Fix(f"set {CROSS_ZONE} to 'true'", [Set(path, "true")], unsafe=self._UNSAFE)
        raw = lb.props.get("LoadBalancerAttributes")
        if raw is not None and not isinstance(raw, list):
            return NoFix("LoadBalancerAttributes is computed (an intrinsic function): add the attribute there")
        return Fix(f"add LoadBalancerAttributes {CROSS_ZONE}: 'true'",
                   [Append(lb.prop_path("LoadBalancerAttributes"), {"Key": CROSS_ZONE, "Value": "true"})],
                   unsafe=self._UNSAFE)

    def _clb_fix(self, model: TemplateModel, lb, br):
        path = (lb.prop_path("CrossZone") if tuple(br.path) == lb.path
                else model.fix_path(lb.prop_path(), ("CrossZone",), br))
        return Fix("set CrossZone: true", [Set(path, True)], unsafe=self._UNSAFE)

    def findings(self, model: TemplateModel):
        if any(state in ("on", None) for tg in model.of_type("AWS::ElasticLoadBalancingV2::TargetGroup")
               if "TargetGroupAttributes" in tg.props for state, _, _ in self._settings(model, tg, "TargetGroupAttributes")):
            return  # a target group turns it on (or might): we do not map target groups to load balancers
        judged = ("network", "gateway") if self.config.get("check_network_load_balancers") else ("gateway",)
        for lb in model.of_type(ELBV2):
            kinds = [k for k in str_branches(model, lb, "Type", default="application") if k.value in judged]
            # the attribute per scenario: a list or an entry under Fn::If is judged in each branch
            found = next(((state, path, both) for state, path, where in self._settings(model, lb, "LoadBalancerAttributes")
                          if state in ("off", "unset") for kind in kinds for both in [model.together(kind, where)]
                          if both is not None), None)
            if found is None:
                continue
            state, path, both = found
            kind = both.value
            how = "(the default)" if state == "unset" else "(set to false)"
            yield (path or lb.path,
                   f"{kind.capitalize()} Load Balancer '{lb.logical_id}' leaves cross-zone load balancing "
                   f"off {how}{both.describe()}: each zone's targets get that zone's share of traffic "
                   f"however many there are. Set LoadBalancerAttributes Key: {CROSS_ZONE}, Value: 'true' "
                   "(inter-zone data transfer is charged), or keep it off on purpose for zonal isolation.",
                   self._elbv2_fix(model, lb, state, path))
        for lb in model.of_type(CLB):
            for br in bool_branches(model, lb, "CrossZone", default=False):
                if br.value is False:
                    yield (br.path,
                           f"Classic Load Balancer '{lb.logical_id}' has cross-zone load balancing off{br.describe()}: "
                           "each zone's instances get that zone's share of traffic. Set CrossZone: true.",
                           self._clb_fix(model, lb, br))

    @staticmethod
    def _settings(model: TemplateModel, res, key: str) -> list:
        """[(state, path of the Value, scenario)] for the cross-zone attribute in `res`'s `key`, per branch of
        the list and of each entry's Key and Value: state 'on', 'off' or 'unset', None when it cannot be
        known. A target group's use_load_balancer_configuration (its default) counts as unset."""
        out = []
        for lst in model.prop(res, key):
            if lst.value is ABSENT:
                out.append(("unset", None, lst))
                continue
            if not isinstance(lst.value, list):
                out.append((None, None, lst))
                continue
            per_item = []
            for index, item in enumerate(lst.value):
                contributions = []
                for entry in model.branches(item):
                    if entry.value is ABSENT:
                        contributions.append(Branch(("skip", None), entry.conditions, (), entry.params))
                        continue
                    if not isinstance(entry.value, dict):
                        contributions.append(Branch((None, None), entry.conditions, (), entry.params))
                        continue
                    for (k, v), both in model.combine(model.get(entry.value, "Key"), model.get(entry.value, "Value")):
                        if k.value != CROSS_ZONE:
                            state = "skip" if isinstance(k.value, str) else None
                            contributions.append(Branch((state, None), both.conditions, (), both.params))
                            continue
                        flag = str(v.value).strip().lower() if isinstance(v.value, (str, bool)) else ""
                        state = {"true": "on", "false": "off", "use_load_balancer_configuration": "skip"}.get(flag)
                        path = lst.path + (index,) + entry.path + v.path if state == "off" else None
                        contributions.append(Branch((state, path), both.conditions, (), both.params))
                per_item.append(contributions)
            for chosen, scenario in model.combine([lst], *per_item):
                states = [c.value for c in chosen[1:]]
                if any(st is None for st, _ in states):
                    out.append((None, None, scenario))
                elif any(st == "on" for st, _ in states):
                    out.append(("on", None, scenario))
                else:
                    off = [p for st, p in states if st == "off"]
                    out.append(("off", off[0], scenario) if off else ("unset", None, scenario))
        return out
