"""E9728: an authenticate-cognito or authenticate-oidc action on a listener that is not HTTPS."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.load_balancing import LISTENER, LISTENER_RULE
from ...model.network import named_branches
from ...model.values import Branch

from .._base import BestPracticeRule

AUTHENTICATE = ("authenticate-cognito", "authenticate-oidc", "jwt-validation")


class AlbAuthenticateRequiresHttps(BestPracticeRule):
    id = "E9728"
    shortdesc = "Authenticate action on a listener that is not HTTPS"
    description = (
        "Application Load Balancers run authenticate-cognito, authenticate-oidc and jwt-validation actions only "
        "on HTTPS listeners: such an action in the DefaultActions of an HTTP listener, or in a listener rule of one, "
        "is rejected and the stack fails. A listener whose protocol cannot be known is not judged."
    )
    tags = ["elb", "alb", "cognito", "authentication", "https"]
    resource_types = (LISTENER, LISTENER_RULE)

    def findings(self, model: TemplateModel):
        for listener in model.of_type(LISTENER):
            yield from self._check(model, listener, "DefaultActions", listener, f"Listener '{listener.logical_id}'")
        for rule in model.of_type(LISTENER_RULE):
            # the listener a rule belongs to, per branch of its ListenerArn: a rule on an HTTPS listener in
            # one scenario and on an HTTP listener in the other is judged in each
            seen = set()
            for target, where in named_branches(model, rule, "ListenerArn", (LISTENER,)):
                if target and target not in seen:
                    seen.add(target)
                    yield from self._check(model, rule, "Actions", model.resources[target],
                                           f"Listener rule '{rule.logical_id}' (of listener '{target}')",
                                           [w for t, w in named_branches(model, rule, "ListenerArn", (LISTENER,))
                                            if t == target])

    @staticmethod
    def _check(model: TemplateModel, res, key: str, listener, label: str, where: list | None = None):
        protocols = [p for p in model.strings(listener, "Protocol") if p.value.strip().upper() != "HTTPS"]
        if not protocols:
            return
        for action in model.entries(res, key):
            kinds = [t for t in model.within(action, "Type")
                     if isinstance(t.value, str) and t.value.strip().lower() in AUTHENTICATE]
            for (kind, protocol, _), both in model.combine(kinds, protocols, where or [Branch(None)]):
                yield (kind.path,
                       f"{label} uses action Type {kind.value} on a listener whose Protocol is {protocol.value}"
                       f"{both.describe()}: only "
                       "HTTPS listeners support user authentication actions (authenticate-cognito, "
                       "authenticate-oidc, jwt-validation), so creating it fails. Make the listener HTTPS "
                       "(Protocol: HTTPS, Port 443 and a certificate), or move the action to an HTTPS listener.")
