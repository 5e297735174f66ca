#!/usr/bin/env node
// A two-stack app for the plugin's tests: a data stack whose queue and table a function of the API
// stack uses (a cross-stack reference, weak or strong), and a few practices the pack reports.
// SHOP_TEST (JSON) sets { refs: 'weak'|'strong', props: {plugin options}, acks: [{ path, id, reason }] }.
'use strict';

const cdk = require('aws-cdk-lib');
const { Duration, Stack, Validations } = cdk;
const lambda = require('aws-cdk-lib/aws-lambda');
const sqs = require('aws-cdk-lib/aws-sqs');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const eventsources = require('aws-cdk-lib/aws-lambda-event-sources');
const { BestPracticesPlugin } = require('cfn-lint-bestpractices-cdk');

const settings = JSON.parse(process.env.SHOP_TEST || '{}');

const CODE = lambda.Code.fromInline('exports.handler = async () => ({ ok: true });');

function fn(scope, id, props = {}) {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, ...props,
  });
}

class DataStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.queue = new sqs.Queue(this, 'Orders', { visibilityTimeout: Duration.seconds(180) });
    this.table = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
  }
}

class ApiStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const worker = fn(this, 'Worker', { timeout: Duration.seconds(30), environment: { TABLE: props.table.tableName } });
    worker.addEventSource(new eventsources.SqsEventSource(props.queue, { batchSize: 10 }));
    props.table.grantReadWriteData(worker);
    // 950 of the default 1,000: more than Lambda lets an account reserve (E9502, an error); its queue
    // has no dead-letter queue and a visibility timeout below six times the function's (warnings)
    const batch = fn(this, 'Batch', { reservedConcurrentExecutions: 950, timeout: Duration.seconds(60) });
    batch.addEventSource(new eventsources.SqsEventSource(new sqs.Queue(this, 'Jobs', { visibilityTimeout: Duration.seconds(60) })));
  }
}

const app = new cdk.App({
  context: { '@aws-cdk/core:defaultCrossStackReferences': settings.refs || 'weak' },
});
const data = new DataStack(app, 'ShopData');
const api = new ApiStack(app, 'ShopApi', { queue: data.queue, table: data.table });

Validations.of(app).addPlugins(new BestPracticesPlugin(settings.props || {}));
for (const ack of settings.acks || []) {
  const scope = ack.path ? app.node.findAll().find((c) => c.node.path === ack.path) : app;
  if (!scope) throw new Error(`no construct ${ack.path}`);
  Validations.of(scope).acknowledge({ id: ack.id, reason: ack.reason });
}
app.synth();
