"""Elastic Load Balancing v2 listeners and the load balancers and rules they belong to."""

from __future__ import annotations

from collections import defaultdict

from .template import Resource, TemplateModel

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"


def listener_load_balancer(model: TemplateModel, listener: Resource) -> str | None:
    """The in-template load balancer a listener belongs to (its LoadBalancerArn), else None."""
    return model.lookup_node(listener.props.get("LoadBalancerArn"), (ELBV2,))


def listeners_by_load_balancer(model: TemplateModel) -> dict[str, list[Resource]]:
    """In-template load balancer -> its in-template listeners."""
    def build():
        out: dict[str, list[Resource]] = defaultdict(list)
        for listener in model.of_type(LISTENER):
            lb = listener_load_balancer(model, listener)
            if lb:
                out[lb].append(listener)
        return out
    return model.memo("load_balancing.listeners", build)


def rule_listener(model: TemplateModel, rule: Resource) -> str | None:
    """The in-template listener a listener rule belongs to (its ListenerArn), else None."""
    return model.lookup_node(rule.props.get("ListenerArn"), (LISTENER,))
