"""E9808: IAM database authentication on an engine that does not support it."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.props import bool_branches
from ...model.rds import DB_CLUSTER, DB_INSTANCE, engines
from .._base import BestPracticeRule

UNSUPPORTED = ("oracle", "sqlserver", "db2", "custom-")


class RdsIamAuthEngine(BestPracticeRule):
    id = "E9808"
    shortdesc = "IAM database authentication on an unsupported engine"
    description = (
        "IAM database authentication works with MySQL, MariaDB, PostgreSQL and Aurora MySQL/PostgreSQL only; "
        "RDS for Oracle, SQL Server and Db2 (and RDS Custom) reject EnableIAMDatabaseAuthentication."
    )
    tags = ["rds", "iam", "authentication"]
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def findings(self, model: TemplateModel):
        for db in model.of_type(DB_INSTANCE, DB_CLUSTER):
            # the engine per scenario: each allowed value of an `Engine` parameter, judged with the
            # conditions that compare it (`!If [IsPostgres, true, false]` is never true on sqlserver-se)
            unsupported = [e for e in engines(model, db) if e.value.startswith(UNSUPPORTED)]
            if not unsupported:
                continue
            flags = [b for b in bool_branches(model, db, "EnableIAMDatabaseAuthentication") if b.value is True]
            for br in flags:
                found = next(((eng, both) for (_, eng), both in model.combine([br], unsupported)), None)
                if found is None:
                    continue
                eng, both = found
                yield (br.path,
                       f"'{db.logical_id}' enables IAM database authentication{both.describe()} on engine {eng.value}, "
                       "which does not support it (MySQL, PostgreSQL, recent MariaDB versions and Aurora do), so the stack "
                       "fails. Remove EnableIAMDatabaseAuthentication, or use Kerberos or password authentication "
                       "(with Secrets Manager) for this engine.")
