"""W9709 and I9710: load balancers in a single subnet, and Network/Gateway/Classic Load Balancers without
cross-zone load balancing."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.props import bool_branches, list_branches, str_branches
from ...model.values import combine
from .._base import BestPracticeRule

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"
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
        "outage of that zone takes the load balancer down."
    )
    tags = ["elb", "availability"]

    def findings(self, model: TemplateModel):
        for lb in model.of_type(ELBV2):
            kinds = [k for k in str_branches(model, lb, "Type", default="application") if k.value in ("network", "gateway")]
            if not kinds:
                continue
            for key in ("Subnets", "SubnetMappings"):
                for (br, kind), both in combine(_literal_lists(model, lb, key), kinds):
                    yield (br.path, self._message(lb.logical_id, f"{kind.value.capitalize()} Load Balancer", key, both))
        for lb in model.of_type(CLB):
            for key in ("Subnets", "AvailabilityZones"):
                for br in _literal_lists(model, lb, key):
                    yield (br.path, self._message(lb.logical_id, "Classic Load Balancer", key, br))

    @staticmethod
    def _message(name: str, kind: str, key: str, br) -> str:
        return (f"{kind} '{name}' lists one entry in {key}{br.describe()}, so it serves from a single Availability "
                f"Zone and fails with it. List subnets in at least two zones.")


class LoadBalancerCrossZone(BestPracticeRule):
    id = "I9710"
    shortdesc = "Cross-zone load balancing off"
    description = (
        "Network and Gateway Load Balancers (and Classic Load Balancers created through CloudFormation) "
        "start with cross-zone load balancing off: each zone's node sends traffic only to targets in its own "
        "zone, so uneven targets per zone get uneven load. Application Load Balancers always balance across zones."
    )
    tags = ["elb", "availability"]

    def findings(self, model: TemplateModel):
        if any(self._enables(model, tg, "TargetGroupAttributes") is not False
               for tg in model.of_type("AWS::ElasticLoadBalancingV2::TargetGroup") if "TargetGroupAttributes" in tg.props):
            return  # a target group turns it on (or might): we do not map target groups to load balancers
        for lb in model.of_type(ELBV2):
            kinds = [k for k in str_branches(model, lb, "Type", default="application") if k.value in ("network", "gateway")]
            if kinds and self._enables(model, lb, "LoadBalancerAttributes") is False:
                yield (lb.path,
                       f"{kinds[0].value.capitalize()} Load Balancer '{lb.logical_id}' leaves cross-zone load balancing "
                       f"off (the default){kinds[0].describe()}: each zone's targets get that zone's share of traffic "
                       f"however many there are. Add LoadBalancerAttributes Key: {CROSS_ZONE}, Value: 'true' "
                       "(inter-zone data transfer is charged), or keep it off on purpose for zonal isolation.")
        for lb in model.of_type(CLB):
            for br in bool_branches(model, lb, "CrossZone", default=False):
                if br.value is False:
                    yield (br.path,
                           f"Classic Load Balancer '{lb.logical_id}' has cross-zone load balancing off{br.describe()}: "
                           "each zone's instances get that zone's share of traffic. Set CrossZone: true.")

    @staticmethod
    def _enables(model: TemplateModel, res, key: str) -> bool | None:
        """True when the attributes turn cross-zone on, False when they do not, None when unknown."""
        value = model.resolver.one(res.props.get(key)) if key in res.props else []
        if not isinstance(value, list):
            return None
        for item in value:
            item = model.resolver.one(item)
            if not isinstance(item, dict):
                return None
            if model.resolver.one(item.get("Key")) != CROSS_ZONE:
                continue
            flag = str(model.resolver.one(item.get("Value"))).strip().lower()
            if flag == "true":
                return True
            if flag != "false":
                return None
        return False
