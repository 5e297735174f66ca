#!/usr/bin/env node
// A small CDK app with three stacks that look like real applications. Their synthesized
// templates are kept in fixtures/cdk-app/ as test input for the pack. See README.md.
'use strict';

const cdk = require('aws-cdk-lib');
const { Stack, Duration, RemovalPolicy, CfnParameter, CfnCondition, Fn, Aws } = cdk;
const lambda = require('aws-cdk-lib/aws-lambda');
const sqs = require('aws-cdk-lib/aws-sqs');
const sns = require('aws-cdk-lib/aws-sns');
const subs = require('aws-cdk-lib/aws-sns-subscriptions');
const s3 = require('aws-cdk-lib/aws-s3');
const s3n = require('aws-cdk-lib/aws-s3-notifications');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');
const apigw = require('aws-cdk-lib/aws-apigateway');
const eventsources = require('aws-cdk-lib/aws-lambda-event-sources');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const ecsPatterns = require('aws-cdk-lib/aws-ecs-patterns');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');
const autoscaling = require('aws-cdk-lib/aws-autoscaling');
const rds = require('aws-cdk-lib/aws-rds');
const kms = require('aws-cdk-lib/aws-kms');

const HANDLER = `exports.handler = async (event) => {
  console.log(JSON.stringify(event));
  return { statusCode: 200, body: 'ok' };
};`;

function fn(scope, id, props = {}) {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(HANDLER),
    memorySize: 256,
    timeout: Duration.seconds(30),
    ...props,
  });
}

// The serverless stack is pinned to an account and region; the VPC stacks are env-agnostic so
// that their subnets take zones from Fn::GetAZs without an AZ lookup (which needs credentials).

// 1. An order-processing backend: API, queue workers, uploads, streams, events.
class ServerlessStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const env = new CfnParameter(this, 'Env', {
      type: 'String',
      allowedValues: ['dev', 'prod'],
      default: 'dev',
      description: 'Deployment stage',
    });
    const isProd = new CfnCondition(this, 'IsProd', {
      expression: Fn.conditionEquals(env.valueAsString, 'prod'),
    });

    // Orders table with a stream feeding the projector.
    const table = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Job queue with a dead-letter queue; names built from the stack name (the DLQ's through the
    // AWS::StackName pseudo parameter, the queue's from the name this app gives the stack).
    const jobsDlq = new sqs.Queue(this, 'JobsDeadLetterQueue', {
      queueName: `${Aws.STACK_NAME}-jobs-dlq`,
      retentionPeriod: Duration.days(14),
    });
    const jobsQueue = new sqs.Queue(this, 'JobsQueue', {
      queueName: `${Stack.of(this).stackName}-jobs`,
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: jobsDlq, maxReceiveCount: 5 },
    });
    // Longer retention in prod, depending on the Env parameter.
    jobsQueue.node.defaultChild.messageRetentionPeriod = Fn.conditionIf(
      isProd.logicalId,
      Duration.days(14).toSeconds(),
      Duration.days(4).toSeconds(),
    );

    const worker = fn(this, 'JobWorker', {
      description: 'Processes jobs from the jobs queue',
      timeout: Duration.seconds(60),
      environment: { TABLE_NAME: table.tableName },
    });
    worker.addEventSource(new eventsources.SqsEventSource(jobsQueue, {
      batchSize: 10,
      reportBatchItemFailures: true,
    }));
    table.grantReadWriteData(worker);
    // Reserved concurrency only in prod.
    worker.node.defaultChild.reservedConcurrentExecutions = Fn.conditionIf(
      isProd.logicalId, 20, Aws.NO_VALUE,
    );

    // API: POST /orders enqueues a job, GET /orders reads the table.
    const apiHandler = fn(this, 'ApiHandler', {
      description: 'REST API handler',
      timeout: Duration.seconds(60),
      environment: { TABLE_NAME: table.tableName, QUEUE_URL: jobsQueue.queueUrl },
    });
    table.grantReadWriteData(apiHandler);
    jobsQueue.grantSendMessages(apiHandler);
    const api = new apigw.RestApi(this, 'OrdersApi', {
      restApiName: 'orders-api',
      deployOptions: { stageName: 'v1' },
    });
    const orders = api.root.addResource('orders');
    orders.addMethod('GET', new apigw.LambdaIntegration(apiHandler));
    orders.addMethod('POST', new apigw.LambdaIntegration(apiHandler));
    orders.addResource('{id}').addMethod('GET', new apigw.LambdaIntegration(apiHandler));

    // Stream projector.
    const projector = fn(this, 'StreamProjector', {
      description: 'Projects order changes to the search index',
    });
    projector.addEventSource(new eventsources.DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      retryAttempts: 3,
    }));

    // Uploads bucket notifying a Lambda, a queue and a topic.
    const uploads = new s3.Bucket(this, 'UploadsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
    });
    const thumbnailer = fn(this, 'Thumbnailer', {
      description: 'Makes thumbnails of uploaded images',
      memorySize: 1024,
    });
    uploads.grantRead(thumbnailer);
    const ingestQueue = new sqs.Queue(this, 'IngestQueue', {
      visibilityTimeout: Duration.minutes(5),
    });
    const uploadTopic = new sns.Topic(this, 'UploadTopic', {
      displayName: 'New uploads',
    });
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(thumbnailer),
      { prefix: 'images/', suffix: '.jpg' });
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(ingestQueue),
      { prefix: 'imports/' });
    uploads.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(uploadTopic));

    // Notifications topic with a Lambda subscriber.
    const notifier = fn(this, 'Notifier', { description: 'Sends customer notifications' });
    const orderEvents = new sns.Topic(this, 'OrderEventsTopic');
    orderEvents.addSubscription(new subs.LambdaSubscription(notifier));
    orderEvents.grantPublish(worker);

    // EventBridge: react to order events on the default bus, and a nightly report.
    const auditor = fn(this, 'Auditor', { description: 'Audits order events' });
    new events.Rule(this, 'OrderPlacedRule', {
      eventPattern: { source: ['com.example.orders'], detailType: ['OrderPlaced'] },
      targets: [new targets.LambdaFunction(auditor)],
    });
    const reporter = fn(this, 'NightlyReport', {
      description: 'Builds the nightly report',
      timeout: Duration.minutes(5),
      environment: { TABLE_NAME: table.tableName },
    });
    table.grantReadData(reporter);
    new events.Rule(this, 'NightlyReportSchedule', {
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new targets.LambdaFunction(reporter)],
    });

    // A prod-only alarm topic.
    const alarms = new sns.Topic(this, 'ProdAlarmsTopic');
    alarms.node.defaultChild.cfnOptions.condition = isProd;

    new cdk.CfnOutput(this, 'ApiUrl', { value: api.url });
    new cdk.CfnOutput(this, 'JobsQueueUrl', { value: jobsQueue.queueUrl });
  }
}

// 2. A web tier: VPC, Fargate service behind an ALB, an EC2 fleet, a VPC Lambda.
class NetworkStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const web = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'WebService', {
      cluster,
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 2,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      publicLoadBalancer: true,
      taskImageOptions: {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
        containerPort: 80,
        environment: { STAGE: 'prod' },
      },
    });
    web.targetGroup.configureHealthCheck({ path: '/', healthyHttpCodes: '200-399' });
    const scaling = web.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 });
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 60 });

    // A legacy EC2 fleet behind its own internal ALB.
    const asg = new autoscaling.AutoScalingGroup(this, 'LegacyFleet', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: 2,
      maxCapacity: 4,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
    });
    const internalAlb = new elbv2.ApplicationLoadBalancer(this, 'InternalAlb', {
      vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    const listener = internalAlb.addListener('Http', { port: 80, open: false });
    listener.addTargets('Fleet', {
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [asg],
      healthCheck: { path: '/health', interval: Duration.seconds(30) },
      deregistrationDelay: Duration.seconds(30),
    });
    listener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));

    // A Lambda in the private subnets that calls the internal ALB.
    const checker = fn(this, 'HealthChecker', {
      description: 'Checks the internal fleet from inside the VPC',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      environment: { TARGET_URL: `http://${internalAlb.loadBalancerDnsName}/health` },
    });
    internalAlb.connections.allowFrom(checker, ec2.Port.tcp(80));
    new events.Rule(this, 'HealthCheckSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(checker)],
    });

    new cdk.CfnOutput(this, 'WebUrl', { value: `http://${web.loadBalancer.loadBalancerDnsName}` });
  }
}

// 3. A data tier: Postgres instance, Aurora cluster, tables, an encrypted bucket, a fan-out.
class DataStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'DataVpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    new rds.DatabaseInstance(this, 'AppDatabase', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      allocatedStorage: 20,
      multiAz: false,
      databaseName: 'app',
      credentials: rds.Credentials.fromGeneratedSecret('postgres'),
      backupRetention: Duration.days(7),
      deletionProtection: false,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });

    new rds.DatabaseCluster(this, 'AnalyticsCluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_13 }),
      writer: rds.ClusterInstance.provisioned('writer', {
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      defaultDatabaseName: 'analytics',
      storageEncrypted: true,
    });

    new dynamodb.Table(this, 'SessionsTable', {
      partitionKey: { name: 'sessionId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new dynamodb.Table(this, 'CustomersTable', {
      partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const dataKey = new kms.Key(this, 'DataKey', {
      description: 'Key for the reports bucket',
      enableKeyRotation: true,
    });
    new s3.Bucket(this, 'ReportsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });

    const changes = new sns.Topic(this, 'CustomerChangesTopic');
    const changesQueue = new sqs.Queue(this, 'CustomerChangesQueue', {
      visibilityTimeout: Duration.seconds(60),
    });
    changes.addSubscription(new subs.SqsSubscription(changesQueue, { rawMessageDelivery: true }));
  }
}

const app = new cdk.App();
const env = { account: '123456789012', region: 'us-east-1' };
new ServerlessStack(app, 'OrdersServerless', { env, description: 'Order processing backend' });
new NetworkStack(app, 'WebNetwork', { description: 'Web tier' });
new DataStack(app, 'CustomerData', { description: 'Data tier' });
app.synth();
