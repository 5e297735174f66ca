"""E9808: IAM database authentication on an engine that does not support it."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.props import bool_branches
from ...model.rds import DB_CLUSTER, DB_INSTANCE, engine
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
            name = engine(model, db)
            if not name or not name.startswith(UNSUPPORTED):
                continue
            for br in bool_branches(model, db, "EnableIAMDatabaseAuthentication"):
                if br.value is True:
                    yield (br.path,
                           f"'{db.logical_id}' enables IAM database authentication{br.describe()} on engine {name}, "
                           "which does not support it (MySQL, PostgreSQL, recent MariaDB versions and Aurora do), so the stack "
                           "fails. Remove EnableIAMDatabaseAuthentication, or use Kerberos or password authentication "
                           "(with Secrets Manager) for this engine.")
