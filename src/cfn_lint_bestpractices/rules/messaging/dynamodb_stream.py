"""E9608: a table's StreamArn used where the table has no stream."""

from __future__ import annotations

from typing import Any, Iterator

from ...model import ABSENT, TemplateModel
from ...model.template import _sub_names
from ...model.values import intrinsic
from .._base import BestPracticeRule

TABLES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")


def _stream_references(model: TemplateModel) -> Iterator[tuple[str, str, tuple]]:
    """(referring resource, table, path) for every `Fn::GetAtt Table.StreamArn` and `${Table.StreamArn}`."""
    for logical_id, res in model.resources.items():
        stack: list[tuple[Any, tuple]] = [(res.props, res.prop_path())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                name, args = intrinsic(node)
                if name == "Fn::GetAtt":
                    parts = args.split(".", 1) if isinstance(args, str) else args
                    if isinstance(parts, list) and len(parts) == 2 and parts[1] == "StreamArn" \
                            and isinstance(parts[0], str):
                        yield logical_id, parts[0], path
                elif name == "Fn::Sub":
                    text = args if isinstance(args, str) else (args[0] if isinstance(args, list) and args else "")
                    for inner in _sub_names(text if isinstance(text, str) else ""):
                        if inner.endswith(".StreamArn"):
                            yield logical_id, inner[: -len(".StreamArn")], path
                for key, value in node.items():
                    stack.append((value, path + (key,)))
            elif isinstance(node, list):
                stack.extend((value, path + (i,)) for i, value in enumerate(node))


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
        for referrer, table_id, path in sorted(set(_stream_references(model)), key=lambda r: (r[0], r[2])):
            table = model.resources.get(table_id)
            if table is None or table.type not in TABLES:
                continue
            if table.type == "AWS::Serverless::SimpleTable":
                yield (path, f"'{referrer}' uses the stream of '{table_id}', an AWS::Serverless::SimpleTable, which "
                             "has no streams, so the deployment fails. Use an AWS::DynamoDB::Table with a "
                             "StreamSpecification.")
                continue
            conditional = "Fn::If" in path
            for br in model.prop(table, "StreamSpecification"):
                if br.value is not ABSENT:
                    continue
                if conditional and br.conditions:
                    break  # both sides depend on conditions we do not pair up: not judged
                yield (path, f"'{referrer}' uses {table_id}.StreamArn, but table '{table_id}' has no "
                             f"StreamSpecification{br.describe()}, so the attribute does not exist and the deployment "
                             "fails. Add StreamSpecification with the StreamViewType the consumer needs (for example "
                             "NEW_AND_OLD_IMAGES).")
                break
