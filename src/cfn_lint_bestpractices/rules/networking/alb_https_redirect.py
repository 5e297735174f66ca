"""W9727: an internet-facing Application Load Balancer whose HTTP listener forwards instead of redirecting
to HTTPS."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import TemplateModel, as_int
from ...model.load_balancing import ELBV2, LISTENER, listeners_by_load_balancer
from ...model.network import named_branches

from .._base import BestPracticeRule


def _https_port(model: TemplateModel, lb_id: str, listener) -> int | None:
    """The port of the load balancer's HTTPS listener, when there is exactly one such port and the
    listener exists whenever the HTTP listener does; None otherwise. It only shapes the message and the
    fix: a Protocol or Port under Fn::If reads as unknown here and leaves the fix out (NoFix)."""
    ports = set()
    for other in listeners_by_load_balancer(model).get(lb_id, []):
        if other is listener or model.one(other.props.get("Protocol")) != "HTTPS":
            continue
        if other.condition and other.condition != listener.condition:
            continue
        port = as_int(model.one(other.props.get("Port")))
        if port is None:
            return None
        ports.add(port)
    return next(iter(ports)) if len(ports) == 1 else None


class AlbHttpToHttpsRedirect(BestPracticeRule):
    id = "W9727"
    shortdesc = "Internet-facing ALB serves plain HTTP instead of redirecting to HTTPS"
    description = (
        "An HTTP listener of an internet-facing Application Load Balancer whose default action forwards to "
        "targets serves the application unencrypted over the internet. Its default action should redirect to "
        "the HTTPS listener (Type: redirect, Protocol: HTTPS, StatusCode: HTTP_301), or return a fixed "
        "response. Load balancers outside the template are not judged."
    )
    tags = ["elb", "alb", "https", "encryption-in-transit"]
    resource_types = (LISTENER,)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        for listener in model.of_type(LISTENER):
            # the load balancer per branch of LoadBalancerArn, in the scenarios in which the listener names it
            for lb_id, where in named_branches(model, listener, "LoadBalancerArn", (ELBV2,)):
                if lb_id:
                    yield from self._judge(model, listener, lb_id, where)

    def _judge(self, model: TemplateModel, listener, lb_id: str, where):
        lb = model.resources[lb_id]
        kinds = [k for k in model.strings(lb, "Type", default="application") if k.value == "application"]
        schemes = [s for s in model.strings(lb, "Scheme", default="internet-facing")
                   if s.value == "internet-facing"]
        protocols = [p for p in model.strings(listener, "Protocol") if p.value.strip().upper() == "HTTP"]
        if not (kinds and schemes and protocols):
            return
        for action in model.entries(listener, "DefaultActions"):
            forwards = [t for t in model.within(action, "Type")
                        if isinstance(t.value, str) and t.value.strip().lower() == "forward"]
            for (kind, *_), both in model.combine(forwards, kinds, schemes, protocols, [where]):
                port = _https_port(model, lb_id, listener)
                yield (kind.path,
                       f"Listener '{listener.logical_id}' of internet-facing Application Load Balancer '{lb_id}' "
                       f"takes HTTP and forwards it to targets{both.describe()}: requests and responses cross "
                       "the internet unencrypted. Make the default action a redirect to HTTPS (Type: redirect, "
                       f"RedirectConfig: {{Protocol: HTTPS, Port: '{port or 443}', StatusCode: HTTP_301}}) served by "
                       f"{'its' if port else 'an'} HTTPS listener.", self._fix(model, lb_id, port, action))
                break

    @staticmethod
    def _fix(model: TemplateModel, lb_id: str, port, action):
        if port is None:
            return NoFix(f"load balancer '{lb_id}' has no single HTTPS listener in the template to redirect to: "
                         "add one (it needs a certificate), then redirect")
        redirect = {"Type": "redirect",
                    "RedirectConfig": {"Protocol": "HTTPS", "Port": str(port), "StatusCode": "HTTP_301"}}
        if isinstance(action.value, dict) and "Order" in action.value:
            redirect["Order"] = action.value["Order"]
        edits = [Set(action.path, redirect)]
        return Fix(f"redirect HTTP to HTTPS port {port}", edits,
                   unsafe="HTTP clients get a 301 redirect to HTTPS instead of the application's response")
