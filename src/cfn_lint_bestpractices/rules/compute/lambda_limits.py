"""E9519: Lambda settings that Lambda refuses and that stock cfn-lint's schemas let through."""

from __future__ import annotations

from ...model import ABSENT, FUNCTION_TYPES, TemplateModel
from .._base import BestPracticeRule

# Without Lambda Managed Instances (CapacityProviderConfig) a function has 128-10,240 MB of memory and
# 512-10,240 MB of /tmp; the CloudFormation schema now allows 32,768 for both, for managed instances.
MAX_MEMORY = 10240
MAX_EPHEMERAL = 10240
SNAPSTART_MAX_EPHEMERAL = 512


class LambdaConfigLimits(BestPracticeRule):
    id = "E9519"
    shortdesc = "Lambda function setting outside what Lambda accepts"
    description = (
        "Lambda refuses a function with more than 10,240 MB of memory or of ephemeral storage unless it runs on "
        "Lambda Managed Instances (CapacityProviderConfig), and refuses SnapStart (ApplyOn: PublishedVersions) "
        "together with provisioned concurrency, an EFS file system, ephemeral storage above 512 MB or a container "
        "image. Stock cfn-lint's schemas accept these values (its limits are those of managed instances)."
    )
    tags = ["lambda", "limits", "snapstart"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Version",
                      "AWS::Lambda::Alias")

    def findings(self, model: TemplateModel):
        provisioned = self._provisioned_elsewhere(model)
        for fn in model.functions:
            res = fn.resource
            capacity = model.prop(res, "CapacityProviderConfig")
            for keys, limit, what in ((("MemorySize",), MAX_MEMORY, "memory (MemorySize)"),
                                      (("EphemeralStorage", "Size"), MAX_EPHEMERAL, "ephemeral storage (/tmp)")):
                for br in model.ints(res, *keys):
                    if br.value <= limit:
                        continue
                    hit = next((both for (_, cap), both in model.combine([br], capacity) if cap.value is ABSENT), None)
                    if hit is not None:
                        yield (br.path, f"Function '{fn.logical_id}' asks for {br.value} MB of {what}{hit.describe()}: "
                                        f"Lambda allows at most {limit} MB unless the function runs on Lambda Managed "
                                        "Instances (CapacityProviderConfig), so the deployment fails. Lower "
                                        f"{'.'.join(keys)} to {limit} or less.")
                        break
            yield from self._snapstart(model, fn, provisioned.get(fn.logical_id, []))

    @staticmethod
    def _provisioned_elsewhere(model: TemplateModel) -> dict:
        """function -> [(resource, branch of its ProvisionedConcurrencyConfig)] for in-template versions and
        aliases that provision concurrency for it."""
        out: dict = {}
        for res in model.of_type("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            if "ProvisionedConcurrencyConfig" not in res.props:
                continue
            # the version provisions concurrency for a function only in the scenarios in which its
            # FunctionName names that function (a Fn::If may name it in one branch only)
            for name in model.prop(res, "FunctionName"):
                target = model.lookup(name.value, FUNCTION_TYPES)
                if not target:
                    continue
                for br in model.prop(res, "ProvisionedConcurrencyConfig"):
                    both = model.together(br, name) if isinstance(br.value, dict) else None
                    if both is not None:
                        out.setdefault(target, []).append((res, both))
        return out

    def _snapstart(self, model: TemplateModel, fn, provisioned):
        res = fn.resource
        for snap in model.prop(res, "SnapStart", "ApplyOn"):
            if snap.value != "PublishedVersions":
                continue
            conflicts = []
            for br in model.prop(res, "FileSystemConfigs"):
                if isinstance(br.value, list) and br.value:
                    conflicts.append((br, "an Amazon EFS file system (FileSystemConfigs)", "remove FileSystemConfigs"))
            for br in model.ints(res, "EphemeralStorage", "Size"):
                if br.value > SNAPSTART_MAX_EPHEMERAL:
                    conflicts.append((br, f"{br.value} MB of ephemeral storage",
                                      f"lower EphemeralStorage.Size to {SNAPSTART_MAX_EPHEMERAL}"))
            for br in model.prop(res, "PackageType"):
                if br.value == "Image":
                    conflicts.append((br, "a container image (PackageType: Image)", "package the function as a .zip"))
            if fn.is_sam:
                for br in model.prop(res, "ProvisionedConcurrencyConfig"):
                    if isinstance(br.value, dict):
                        conflicts.append((br, "provisioned concurrency (ProvisionedConcurrencyConfig)",
                                          "remove ProvisionedConcurrencyConfig"))
            for other, br in provisioned:
                conflicts.append((br, f"provisioned concurrency on {other.type.rsplit('::', 1)[-1].lower()} "
                                      f"'{other.logical_id}'", "remove its ProvisionedConcurrencyConfig"))
            for br, what, fix in conflicts:
                both = model.together(snap, br)
                if both is None:
                    continue
                yield (br.path, f"Function '{fn.logical_id}' turns on SnapStart (ApplyOn: PublishedVersions) with {what}"
                                f"{both.describe()}: SnapStart does not support that and Lambda rejects it, so the deployment fails. "
                                f"Either turn SnapStart off or {fix}.")
