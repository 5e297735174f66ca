"""E9608: a table's StreamArn used where the table has no stream."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from .._base import BestPracticeRule

TABLES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")


class DynamoDbStreamRequired(BestPracticeRule):
    id = "E9608"
    shortdesc = "DynamoDB stream used but not enabled"
    description = (
        "Fn::GetAtt Table.StreamArn (in an event source mapping, a SAM DynamoDB event, a pipe, a policy) exists "
        "only when the table has a StreamSpecification; without one the deployment fails. SAM SimpleTable has "
        "no streams at all."
    )
    tags = ["dynamodb", "streams", "lambda"]
    resource_types = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")

    def findings(self, model: TemplateModel):
        for referrer, table_id, path in model.attribute_references("StreamArn"):
            table = model.resources.get(table_id)
            if table is None or table.type not in TABLES:
                continue
            if table.type == "AWS::Serverless::SimpleTable":
                yield (path, f"'{referrer}' uses the stream of '{table_id}', an AWS::Serverless::SimpleTable, which "
                             "has no streams, so the deployment fails. Use an AWS::DynamoDB::Table with a "
                             "StreamSpecification.")
                continue
            used = model.path_scenario(path)
            if used is None:
                continue
            for br in model.prop(table, "StreamSpecification"):
                both = model.together(br, used) if br.value is ABSENT else None
                if both is None:
                    continue
                br = both
                yield (path, f"'{referrer}' uses {table_id}.StreamArn, but table '{table_id}' has no "
                             f"StreamSpecification{br.describe()}, so the attribute does not exist and the deployment "
                             "fails. Add StreamSpecification with the StreamViewType the consumer needs (for example "
                             "NEW_AND_OLD_IMAGES).")
                break
