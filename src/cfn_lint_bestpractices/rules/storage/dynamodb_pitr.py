"""W9804: a DynamoDB table without point-in-time recovery."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import ABSENT, TemplateModel, as_bool
from .._base import EnvironmentDependentRule


class DynamoDbPointInTimeRecovery(EnvironmentDependentRule):
    id = "W9804"
    shortdesc = "DynamoDB table without point-in-time recovery"
    description = (
        "Point-in-time recovery (continuous backups for up to 35 days) is off unless "
        "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is true; without it a bad write or delete "
        "can only be undone from on-demand backups, and tables cannot be exported to S3. Global tables are "
        "read per replica. An environment choice: see exempt_resources and production_conditions."
    )
    tags = ["dynamodb", "backup"]
    resource_types = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
    fixable = "safe"

    def _report(self, model: TemplateModel, base: tuple, branches, what: str):
        for br in branches:
            flag = False if br.value is ABSENT else as_bool(br.value)
            if flag is not False or self.non_production(model, br):
                continue
            shown = "not set" if br.value is ABSENT else str(br.value).lower()
            where = br.path
            keys = ("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")
            fix = Fix("set PointInTimeRecoveryEnabled: true", [Set(model.fix_path(base, keys, br), True)])
            yield (where[:-1] if where[-1:] == ("Properties",) else where,
                   f"{what} has point-in-time recovery off (PointInTimeRecoveryEnabled {shown}){br.describe()}: a bad "
                   "write or delete cannot be rolled back to a point within the recovery period (up to 35 days). Set "
                   "PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}, or exempt the table if its "
                   "data can be rebuilt.", fix)

    def findings(self, model: TemplateModel):
        for table in model.of_type("AWS::DynamoDB::Table"):
            if not self.exempt(table.logical_id):
                yield from self._report(model, table.prop_path(), model.prop(table, "PointInTimeRecoverySpecification",
                                                          "PointInTimeRecoveryEnabled"),
                                        f"DynamoDB table '{table.logical_id}'")
        for table in model.of_type("AWS::DynamoDB::GlobalTable"):
            if self.exempt(table.logical_id):
                continue
            for replica in model.entries(table, "Replicas"):
                region = model.one(replica.value.get("Region"))
                where = f"region {region}" if isinstance(region, str) else "a replica"
                yield from self._report(model, replica.path, model.within(replica, "PointInTimeRecoverySpecification",
                                                            "PointInTimeRecoveryEnabled"),
                                        f"Global table '{table.logical_id}' ({where})")
