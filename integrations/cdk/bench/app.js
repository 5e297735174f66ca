#!/usr/bin/env node
// Five stacks that reference each other (VPC, data, messaging, compute, web), for bench/run.py: what
// the plugin adds to a synth. BENCH_PLUGIN=1 registers it (BENCH_PROPS: its options as JSON).
// Env-agnostic stacks, inline code: no credentials, no Docker, no lookups.
'use strict';

const cdk = require('aws-cdk-lib');
const { Duration, Stack } = cdk;
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const ecsPatterns = require('aws-cdk-lib/aws-ecs-patterns');
const lambda = require('aws-cdk-lib/aws-lambda');
const eventsources = require('aws-cdk-lib/aws-lambda-event-sources');
const sqs = require('aws-cdk-lib/aws-sqs');
const sns = require('aws-cdk-lib/aws-sns');
const subs = require('aws-cdk-lib/aws-sns-subscriptions');
const s3 = require('aws-cdk-lib/aws-s3');
const s3n = require('aws-cdk-lib/aws-s3-notifications');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');
const apigw = require('aws-cdk-lib/aws-apigateway');
const rds = require('aws-cdk-lib/aws-rds');

const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });');
const fn = (scope, id, props = {}) => new lambda.Function(scope, id, {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, timeout: Duration.seconds(30), ...props,
});

class NetworkStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
  }
}

class DataStack extends Stack {
  constructor(scope, id, { vpc }) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST, stream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    this.bucket = new s3.Bucket(this, 'Uploads', { enforceSSL: true });
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn(this, 'Thumbnailer')));
    this.db = new rds.DatabaseInstance(this, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
  }
}

class MessagingStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    const dlq = new sqs.Queue(this, 'JobsDlq', { retentionPeriod: Duration.days(14) });
    this.jobs = new sqs.Queue(this, 'Jobs', { visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
    this.topic = new sns.Topic(this, 'Events');
    this.topic.addSubscription(new subs.SqsSubscription(new sqs.Queue(this, 'Audit')));
    this.bus = new events.EventBus(this, 'Bus');
    new events.Rule(this, 'OnUpload', { eventBus: this.bus, eventPattern: { source: ['shop'] }, targets: [new targets.SqsQueue(this.jobs)] });
  }
}

class ComputeStack extends Stack {
  constructor(scope, id, { vpc, table, jobs, topic }) {
    super(scope, id);
    const worker = fn(this, 'Worker', { environment: { TABLE: table.tableName } });
    worker.addEventSource(new eventsources.SqsEventSource(jobs, { batchSize: 10 }));
    table.grantReadWriteData(worker);
    const projector = fn(this, 'Projector', { vpc });
    projector.addEventSource(new eventsources.DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST }));
    topic.grantPublish(projector);
    const api = new apigw.RestApi(this, 'Api');
    api.root.addResource('orders').addMethod('POST', new apigw.LambdaIntegration(fn(this, 'ApiHandler', { timeout: Duration.seconds(60) })));
    new events.Rule(this, 'Nightly', { schedule: events.Schedule.cron({ hour: '2', minute: '0' }), targets: [new targets.LambdaFunction(worker)] });
  }
}

class WebStack extends Stack {
  constructor(scope, id, { vpc }) {
    super(scope, id);
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Web', {
      cluster, desiredCount: 2, publicLoadBalancer: true,
      taskImageOptions: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest') },
    });
  }
}

const app = new cdk.App();
const network = new NetworkStack(app, 'FarmNetwork');
const data = new DataStack(app, 'FarmData', { vpc: network.vpc });
const messaging = new MessagingStack(app, 'FarmMessaging');
new ComputeStack(app, 'FarmCompute', { vpc: network.vpc, table: data.table, jobs: messaging.jobs, topic: messaging.topic });
new WebStack(app, 'FarmWeb', { vpc: network.vpc });

if (process.env.BENCH_PLUGIN === '1') {
  const { BestPracticesPlugin } = require(process.env.BENCH_PLUGIN_MODULE || 'cfn-lint-bestpractices-cdk');
  cdk.Validations.of(app).addPlugins(new BestPracticesPlugin(JSON.parse(process.env.BENCH_PROPS || '{"failOn": "none"}')));
}
app.synth();
