"""The plugin's Python test app (tests/test_cdk_plugin.py): the same two stacks as the npm package's
test app (integrations/cdk/test/apps/shop.js), written with the AWS CDK for Python.
SHOP_TEST (JSON) sets {"refs": "weak"|"strong", "props": {plugin options}, "acks": [{"path", "id", "reason"}]}."""

import json
import os

import aws_cdk as cdk
from aws_cdk import Duration, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as eventsources
from aws_cdk import aws_sqs as sqs

from cfn_lint_bestpractices.cdk import BestPracticesPlugin

settings = json.loads(os.environ.get("SHOP_TEST") or "{}")
CODE = lambda_.Code.from_inline("exports.handler = async () => ({ ok: true });")


def fn(scope, id_, **props):
    return lambda_.Function(scope, id_, runtime=lambda_.Runtime.NODEJS_22_X, handler="index.handler", code=CODE,
                            **props)


class DataStack(Stack):
    def __init__(self, scope, id_, **kwargs):
        super().__init__(scope, id_, **kwargs)
        self.queue = sqs.Queue(self, "Orders", visibility_timeout=Duration.seconds(180))
        self.table = dynamodb.Table(self, "OrdersTable",
                                    partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
                                    billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST)


class ApiStack(Stack):
    def __init__(self, scope, id_, *, queue, table, **kwargs):
        super().__init__(scope, id_, **kwargs)
        worker = fn(self, "Worker", timeout=Duration.seconds(30), environment={"TABLE": table.table_name})
        worker.add_event_source(eventsources.SqsEventSource(queue, batch_size=10))
        table.grant_read_write_data(worker)
        # more than Lambda lets an account reserve (E9502); its queue has no dead-letter queue and a
        # visibility timeout below six times the function's (W9602, W9505)
        batch = fn(self, "Batch", reserved_concurrent_executions=950, timeout=Duration.seconds(60))
        batch.add_event_source(eventsources.SqsEventSource(
            sqs.Queue(self, "Jobs", visibility_timeout=Duration.seconds(60))))


app = cdk.App(context={"@aws-cdk/core:defaultCrossStackReferences": settings.get("refs", "weak")})
data = DataStack(app, "ShopData")
ApiStack(app, "ShopApi", queue=data.queue, table=data.table)

Validations.of(app).add_plugins(BestPracticesPlugin(**settings.get("props", {})))
for ack in settings.get("acks", []):
    scope = next(c for c in app.node.find_all() if c.node.path == ack["path"]) if ack["path"] else app
    Validations.of(scope).acknowledge(cdk.Acknowledgment(id=ack["id"], reason=ack["reason"]))
app.synth()
