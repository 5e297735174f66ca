"""W9721: REST methods that require an API key on an API that no usage plan of the template covers."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel, as_bool
from ...model.invocation import uncovered
from .._base import BestPracticeRule

METHOD = "AWS::ApiGateway::Method"
REST_API = "AWS::ApiGateway::RestApi"
SAM_API = "AWS::Serverless::Api"
SAM_FUNCTION = "AWS::Serverless::Function"
USAGE_PLAN = "AWS::ApiGateway::UsagePlan"
IMPLICIT = "ServerlessRestApi"  # the logical id SAM gives the implicit API


class ApiKeyWithoutUsagePlan(BestPracticeRule):
    id = "W9721"
    shortdesc = "API key required but no usage plan covers the API"
    description = (
        "A method that requires an API key accepts only keys of a usage plan that lists the API's stage. When "
        "no usage plan of the template covers the API (plain AWS::ApiGateway::UsagePlan ApiStages, or SAM "
        "Auth.UsagePlan), every call gets 403 Forbidden, with or without a key, unless a plan in another stack "
        "covers it."
    )
    tags = ["apigateway", "api-key", "usage-plan"]
    resource_types = (METHOD, SAM_API, SAM_FUNCTION)

    @staticmethod
    def _covered(model: TemplateModel) -> dict[str, list] | None:
        """API -> the scenarios in which some usage plan of the template lists it (a plan with its own
        Condition, an ApiStages entry or ApiId under Fn::If, covers only there); None when a plan names an
        API we cannot resolve (then it might be any of them)."""
        out: dict[str, list] = {}
        for plan in model.of_type(USAGE_PLAN):
            for entry in model.entries(plan, "ApiStages"):
                for br in model.within(entry, "ApiId"):
                    if br.value is ABSENT:
                        continue
                    api = model.lookup(br.value, (REST_API, SAM_API)) if isinstance(br.value, str) else None
                    if api is None and not (isinstance(br.value, str) and IMPLICIT in br.value):
                        return None
                    out.setdefault(api or IMPLICIT, []).append(br)
            if any(b.value is UNKNOWN for b in model.prop(plan, "ApiStages")):
                return None
        return out

    def findings(self, model: TemplateModel):
        covered = self._covered(model)
        if covered is None:
            return
        yield from self._methods(model, covered)
        yield from self._sam(model, covered)

    def _methods(self, model: TemplateModel, covered: dict[str, list]):
        # per API, one finding per scenario: the first method that needs a key no plan meets, in the
        # scenarios in which it does; a later method is reported on its own only in the scenarios that
        # no earlier finding holds in (there it is the first), and counted as "more" where it overlaps
        groups: dict[str, list[list]] = {}
        for res in model.of_type(METHOD):
            # (a RestApiId under Fn::If is not resolved: the method is left alone)
            api = model.lookup_node(res.props.get("RestApiId"), (REST_API,))
            if api is None:
                continue
            for br in model.bools(res, "ApiKeyRequired"):
                br = uncovered(model, br, covered.get(api, [])) if br.value else None
                if br is None:
                    continue
                mine = groups.setdefault(api, [])
                for group in mine:
                    if group[1] is not res and model.together(group[0], br) is not None:
                        group[2].add(res.logical_id)
                rest = uncovered(model, br, [group[0] for group in mine])
                if rest is not None:
                    mine.append([rest, res, set()])
        for api, mine in groups.items():
            for where, res, more in mine:
                others = len(more - {res.logical_id})
                also = f" (and {others} more method{'s' if others > 1 else ''})" if others else ""
                yield (where.path,
                       f"Method '{res.logical_id}'{also} of REST API '{api}' requires an API key{where.describe()}, "
                       "but no usage plan of this template lists a stage of that API: API Gateway accepts only keys "
                       "of a usage plan that covers the stage, so every call gets 403 Forbidden unless a plan in "
                       "another stack covers it. Add an AWS::ApiGateway::UsagePlan with ApiStages (ApiId and Stage "
                       "of this API) and an AWS::ApiGateway::UsagePlanKey for each API key.")

    def _sam(self, model: TemplateModel, covered: dict[str, list]):
        globals_ = model.template.get("Globals")
        global_auth = globals_.get("Api", {}).get("Auth") if isinstance(globals_, dict) and \
            isinstance(globals_.get("Api"), dict) else None
        if isinstance(global_auth, dict) and "UsagePlan" in global_auth:
            return  # Globals give every API a usage plan setting
        needs: dict[str, tuple] = {}
        apis = {api.logical_id: api for api in model.of_type(SAM_API)}
        for api in apis.values():
            auth = model.one(api.props.get("Auth")) if "Auth" in api.props else {}
            if isinstance(auth, dict) and as_bool(auth.get("ApiKeyRequired")):
                needs.setdefault(api.logical_id, (api.prop_path("Auth", "ApiKeyRequired"), f"SAM API '{api.logical_id}'",
                                                  model.exists(api)))
        # Events, an event or its Properties may be under Fn::If, and so may Auth.ApiKeyRequired and
        # RestApiId (its `AWS::NoValue` branch is the implicit API: the value is read, not the key)
        for event in model.sam_event_branches:
            res, name, kind, props, base = event.resource, event.name, event.type, event.props, event.path
            if kind != "Api" or not isinstance(props, dict) or res.type != SAM_FUNCTION:
                continue
            for key in model.get(props, "Auth", "ApiKeyRequired"):
                if as_bool(key.value) is not True:
                    continue
                for api_br in model.get(props, "RestApiId"):
                    scenario = model.combine([event.scenario], [key], [api_br])
                    scenario = next((both for _, both in scenario), None)
                    if scenario is None:
                        continue
                    if api_br.value is ABSENT:
                        api_id = IMPLICIT
                    else:
                        api_id = model.lookup(api_br.value, (SAM_API,)) if isinstance(api_br.value, str) else None
                        if api_id is None:
                            continue
                    needs.setdefault(api_id, (base + key.path, f"Api event '{name}' of function '{res.logical_id}'",
                                              scenario))
        for api_id, (path, who, scenario) in needs.items():
            scenario = uncovered(model, scenario, covered.get(api_id, []))
            if scenario is None:
                continue
            api = apis.get(api_id)
            if api is not None:
                auth = model.one(api.props.get("Auth")) if "Auth" in api.props else {}
                if not isinstance(auth, dict):
                    continue
                plan = model.one(auth.get("UsagePlan")) if "UsagePlan" in auth else None
                if plan is UNKNOWN:
                    continue
                create = model.one(plan.get("CreateUsagePlan")) if isinstance(plan, dict) else None
                if isinstance(plan, dict) and create != "NONE":
                    continue  # PER_API, SHARED, or a value we cannot know
                what = "Auth.UsagePlan.CreateUsagePlan is NONE" if create == "NONE" else "it has no Auth.UsagePlan"
                target = f"'{api_id}'"
            else:
                what, target = "it has no usage plan (set Globals.Api.Auth.UsagePlan)", "the implicit API"
            yield (path,
                   f"{who} requires an API key{scenario.describe()}, but {target} gets no usage plan: {what}, and no "
                   "AWS::ApiGateway::UsagePlan of this template lists it. API Gateway accepts only keys of a usage "
                   "plan that covers the stage, so every call gets 403 Forbidden unless a plan in another stack covers "
                   "it. Set Auth.UsagePlan.CreateUsagePlan: "
                   "PER_API (or SHARED) on the API.")
