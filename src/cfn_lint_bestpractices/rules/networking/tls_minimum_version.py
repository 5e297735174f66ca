"""W9722: a TLS endpoint (ALB/NLB listener, API Gateway custom domain, CloudFront) that accepts TLS 1.0/1.1."""

from __future__ import annotations

import re

from ...fixes import Fix, Set
from ...model import ABSENT, TemplateModel, as_bool, show
from ...model.values import Branch
from .._base import BestPracticeRule

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
REST_DOMAIN = "AWS::ApiGateway::DomainName"
HTTP_DOMAIN = "AWS::ApiGatewayV2::DomainName"
DISTRIBUTION = "AWS::CloudFront::Distribution"
SAM_APIS = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")
CLASSIC = "AWS::ElasticLoadBalancing::LoadBalancer"

# What CloudFormation, the CLI and the CDK give an HTTPS or TLS listener without SslPolicy.
ELB_DEFAULT = "ELBSecurityPolicy-2016-08"
ELB_RECOMMENDED = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Classic Load Balancers: the predefined policies that accept only TLS 1.2 and the ones that accept older
# versions (every dated policy, ELBSecurityPolicy-TLS-1-1-2017-01, the ELBSample policies)
CLB_RECOMMENDED = "ELBSecurityPolicy-TLS-1-2-2017-01"
_CLB_STRONG = re.compile(r"ELBSecurityPolicy-TLS-1-2-.*")
_CLB_WEAK = re.compile(r"ELBSecurityPolicy-(20\d\d-\d\d|TLS-1-1-.*)|ELBSample-.*")
# Policies that accept TLS 1.0 or 1.1: the old named ones, and every -1-0- / -1-1- family member.
_ELB_WEAK = re.compile(r"ELBSecurityPolicy-(2015-05|2016-08|FS-2018-06|(TLS13|TLS|FS)-1-[01]-.*)")
CLOUDFRONT_WEAK = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}
CLOUDFRONT_RECOMMENDED = "TLSv1.2_2021"
APIGW_WEAK = {"TLS_1_0"}
APIGW_RECOMMENDED = "TLS_1_2"

UNSAFE = "clients that only speak TLS 1.0 or 1.1 can no longer connect"


class TlsMinimumVersion(BestPracticeRule):
    id = "W9722"
    shortdesc = "TLS endpoint accepts TLS 1.0 or 1.1"
    description = (
        "An HTTPS/TLS load balancer listener (Classic Load Balancers' HTTPS/SSL listeners included), an API "
        "Gateway custom domain or a CloudFront distribution whose security policy accepts TLS 1.0 or 1.1. A "
        "listener without SslPolicy (a Classic listener without an SSL negotiation policy) gets "
        "ELBSecurityPolicy-2016-08 (TLS 1.0 to 1.2) when CloudFormation creates it. Use a TLS 1.2+ policy: "
        "ELBSecurityPolicy-TLS13-1-2-2021-06, SecurityPolicy TLS_1_2, MinimumProtocolVersion TLSv1.2_2021."
    )
    tags = ["elb", "apigateway", "cloudfront", "tls", "security"]
    resource_types = (LISTENER, REST_DOMAIN, HTTP_DOMAIN, DISTRIBUTION) + SAM_APIS + (CLASSIC,)
    fixable = "unsafe"
    options = {
        "allowed_policies": {
            "default": [], "type": "list", "itemtype": "string",
            "description": ("Security policy names accepted even though they allow TLS 1.0 or 1.1 "
                            "(for endpoints that must serve old clients)"),
        },
    }

    def _allowed(self, name: str) -> bool:
        return name in (self.config.get("allowed_policies") or [])

    def findings(self, model: TemplateModel):
        yield from self._listeners(model)
        yield from self._classic(model)
        yield from self._domains(model)
        yield from self._distributions(model)

    def _listeners(self, model: TemplateModel):
        for res in model.of_type(LISTENER):
            protocols = model.strings(res, "Protocol")
            policies = [b for b in model.prop(res, "SslPolicy") if b.value is ABSENT or isinstance(b.value, str)]
            for (proto, pol, _), both in model.combine(protocols, policies, self._certificates(model, res, "Certificates")):
                name = ELB_DEFAULT if pol.value is ABSENT else pol.value
                if proto.value not in ("HTTPS", "TLS") or self._allowed(name) or not _ELB_WEAK.fullmatch(name):
                    continue
                what = (f"has no SslPolicy, so it gets {ELB_DEFAULT}" if pol.value is ABSENT
                        else f"uses SslPolicy {name}")
                target = model.fix_path(res.prop_path(), ("SslPolicy",), pol)
                fix = Fix(f"set SslPolicy: {ELB_RECOMMENDED}", [Set(target, ELB_RECOMMENDED)], unsafe=UNSAFE)
                yield (res.finding_path(pol.path),
                       f"{proto.value} listener '{res.logical_id}' {what}{both.describe()}, which accepts TLS "
                       f"versions older than 1.2. Set SslPolicy: {ELB_RECOMMENDED} (TLS 1.2 and 1.3), or another TLS 1.2+ policy.",
                       fix)

    @staticmethod
    def _certificates(model: TemplateModel, res, key: str, entry=None) -> list:
        """The scenarios in which a TLS listener has its certificate: each branch of the certificate's ARN
        (`Certificates` of a listener, `SSLCertificateId` of a Classic listener entry) where it is given and
        the certificate resource it names exists. Without a certificate an HTTPS, TLS or SSL listener cannot
        be created, so there is no endpoint to judge."""
        # only where the certificate is given matters (its existence and the Fn::If branches on the way), not
        # the value a parameter names it by: a parameter's Default ('' for "no certificate") must not hide the
        # scenario in which the certificate is given
        def given(base: Branch, key: str) -> list:
            out = []
            for b in model.resolver.get(base.value, key):
                if b.value is not ABSENT:
                    both = model.together(Branch(None, base.conditions), Branch(None, b.conditions))
                    if both is not None:
                        out.append(both)
            return out

        if entry is not None:
            return given(entry, "SSLCertificateId") if isinstance(entry.value, dict) else []
        return [b for item in model.entries(res, key) for b in given(item, "CertificateArn")]

    @staticmethod
    def _ssl_policies(model: TemplateModel, raw) -> dict | None:
        """A Classic Load Balancer's SSL negotiation policies in one branch of its Policies: name -> (what
        it accepts: 'weak', 'strong' or None when unknown, its name or attributes as shown, its
        LoadBalancerPorts); None when the Policies cannot be read."""
        if raw is ABSENT:
            raw = []
        if not isinstance(raw, list):
            return None
        out = {}
        for item in raw:
            item = model.one(item)
            if not isinstance(item, dict):
                return None
            kind = model.one(item.get("PolicyType"))
            if kind != "SSLNegotiationPolicyType":
                if not isinstance(kind, str):
                    return None
                continue
            name = model.one(item.get("PolicyName"))
            attrs = model.one(item.get("Attributes"))
            ports = model.one(item.get("LoadBalancerPorts")) if "LoadBalancerPorts" in item else []
            if not isinstance(name, str) or not isinstance(attrs, list) or not isinstance(ports, list):
                return None
            values = {}
            for attr in attrs:
                attr = model.one(attr)
                if not isinstance(attr, dict):
                    return None
                values[str(model.one(attr.get("Name")))] = str(model.one(attr.get("Value")))
            reference = values.get("Reference-Security-Policy")
            if reference is not None:
                verdict = "strong" if _CLB_STRONG.fullmatch(reference) else (
                    "weak" if _CLB_WEAK.fullmatch(reference) else None)
                shown = reference
            else:
                old = [p for p in ("Protocol-TLSv1", "Protocol-TLSv1.1", "Protocol-SSLv3")
                       if values.get(p, "").lower() == "true"]
                verdict = "weak" if old else ("strong" if values.get("Protocol-TLSv1.2", "").lower() == "true"
                                              else None)
                shown = "a custom policy with " + ", ".join(old) if old else "a custom policy"
            out[name] = (verdict, shown, [str(model.one(p)) for p in ports])
        return out

    def _classic(self, model: TemplateModel):
        for lb in model.of_type(CLASSIC):
            # the policies per branch of Policies (a list under Fn::If is judged in each scenario)
            for branch in model.prop(lb, "Policies"):
                policies = self._ssl_policies(model, branch.value)
                if policies is not None:
                    yield from self._classic_listeners(model, lb, policies, branch)

    def _classic_listeners(self, model: TemplateModel, lb, policies: dict, where):
        named_anywhere: set = set()
        for entry in model.entries(lb, "Listeners"):
            for names in model.within(entry, "PolicyNames"):
                if isinstance(names.value, list):
                    named_anywhere.update(model.one(n) for n in names.value)
        for entry in model.entries(lb, "Listeners"):
            protocols = [p for p in model.within(entry, "Protocol")
                         if isinstance(p.value, str) and p.value.upper() in ("HTTPS", "SSL")]
            port = model.one(entry.value.get("LoadBalancerPort"))
            for proto in protocols:
                for names in model.within(entry, "PolicyNames"):
                    listed = [model.one(n) for n in names.value] if isinstance(names.value, list) else (
                        [] if names.value is ABSENT else None)
                    if listed is None or any(not isinstance(n, str) for n in listed):
                        continue
                    attached = [policies[n] for n in listed if n in policies]
                    attached += [p for n, p in policies.items() if str(port) in p[2] and n not in listed]
                    if not attached:
                        if any(n not in named_anywhere and not p[2] for n, p in policies.items()):
                            continue  # an SSL policy attached in a way we do not read
                        name = ELB_DEFAULT
                        what = f"has no SSL negotiation policy, so it gets {ELB_DEFAULT}"
                    else:
                        weak = [p for p in attached if p[0] == "weak"]
                        if not weak or any(p[0] is None for p in attached):
                            continue
                        name = weak[0][1]
                        what = f"uses {name}"
                    if self._allowed(name):
                        continue
                    both = next((b for cert in self._certificates(model, lb, "Listeners", entry)
                                 for b in [model.together(proto, names, cert, where)] if b is not None), None)
                    if both is None:
                        continue
                    yield (proto.path,
                           f"{proto.value.upper()} listener on port {port} of Classic Load Balancer "
                           f"'{lb.logical_id}' {what}{both.describe()}, which accepts TLS versions older than 1.2. Add a "
                           "Policies entry with PolicyType SSLNegotiationPolicyType and the attribute "
                           f"Reference-Security-Policy: {CLB_RECOMMENDED}, and name it in the listener's "
                           "PolicyNames (or move to an Application Load Balancer).")
                    break

    def _domains(self, model: TemplateModel):
        for res in model.of_type(REST_DOMAIN):
            for br in model.strings(res, "SecurityPolicy"):
                if br.value in APIGW_WEAK and not self._allowed(br.value):
                    yield (br.path, self._domain_message(res.logical_id, br), self._domain_fix(model, res.prop_path(), br))
        for res in model.of_type(HTTP_DOMAIN):
            for entry in model.entries(res, "DomainNameConfigurations"):
                for br in model.within(entry, "SecurityPolicy"):
                    if isinstance(br.value, str) and br.value in APIGW_WEAK and not self._allowed(br.value):
                        yield (br.path, self._domain_message(res.logical_id, br),
                               self._domain_fix(model, entry.path, br))
        for res in model.of_type(*SAM_APIS):
            for br in model.strings(res, "Domain", "SecurityPolicy"):
                if br.value in APIGW_WEAK and not self._allowed(br.value):
                    yield (br.path, self._domain_message(res.logical_id, br),
                           self._domain_fix(model, res.prop_path("Domain"), br))

    @staticmethod
    def _domain_message(name: str, br) -> str:
        return (f"API Gateway custom domain of '{name}' uses SecurityPolicy {show(br.value)}{br.describe()}, which "
                f"accepts TLS versions older than 1.2. Set SecurityPolicy: {APIGW_RECOMMENDED}.")

    @staticmethod
    def _domain_fix(model: TemplateModel, base: tuple, br) -> Fix:
        target = model.fix_path(base, ("SecurityPolicy",), br)
        return Fix(f"set SecurityPolicy: {APIGW_RECOMMENDED}", [Set(target, APIGW_RECOMMENDED)], unsafe=UNSAFE)

    def _distributions(self, model: TemplateModel):
        for res in model.of_type(DISTRIBUTION):
            base = ("DistributionConfig", "ViewerCertificate")
            defaults = model.prop(res, *base, "CloudFrontDefaultCertificate")
            versions = model.strings(res, *base, "MinimumProtocolVersion")
            for (default, ver), both in model.combine(defaults, versions):
                # the *.cloudfront.net certificate always negotiates TLSv1: the setting is ignored there
                if default.value is not ABSENT and as_bool(default.value) is not False:
                    continue
                if ver.value not in CLOUDFRONT_WEAK or self._allowed(ver.value):
                    continue
                target = model.fix_path(res.prop_path(*base), ("MinimumProtocolVersion",), ver)
                fix = Fix(f"set MinimumProtocolVersion: {CLOUDFRONT_RECOMMENDED}",
                          [Set(target, CLOUDFRONT_RECOMMENDED)], unsafe=UNSAFE)
                yield (ver.path,
                       f"Distribution '{res.logical_id}' uses MinimumProtocolVersion {ver.value}{both.describe()}, "
                       f"which lets viewers connect with TLS older than 1.2. Set MinimumProtocolVersion: "
                       f"{CLOUDFRONT_RECOMMENDED}.", fix)
