#!/usr/bin/env node
// A shop built as a CDK app of several stacks that pass constructs to each other, with nested stacks
// and a stage. Its synthesized cloud assemblies (one per cross-stack reference mode) are test input for
// the pack's application model: fixtures/applications/shop-weak/ and shop-strong/. See README.md.
//
// Every cross-stack problem planted here is visible only when the stacks are linted together (each
// template alone looks fine or cannot tell), and every correct cross-stack relation must stay silent.
// PLANTED marks a problem the pack must report, TRAP a relation it must not report.
'use strict';

const cdk = require('aws-cdk-lib');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const events = require('aws-cdk-lib/aws-events');
const { Stack, Stage, NestedStack, Duration, RemovalPolicy, CfnParameter, CfnResource } = cdk;
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const lambda = require('aws-cdk-lib/aws-lambda');
const eventsources = require('aws-cdk-lib/aws-lambda-event-sources');
const rds = require('aws-cdk-lib/aws-rds');
const s3 = require('aws-cdk-lib/aws-s3');
const s3n = require('aws-cdk-lib/aws-s3-notifications');
const sns = require('aws-cdk-lib/aws-sns');
const subs = require('aws-cdk-lib/aws-sns-subscriptions');
const sqs = require('aws-cdk-lib/aws-sqs');

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
    reservedConcurrentExecutions: 10,
    ...props,
  });
}

// A function that reads a table's stream, retries a bounded number of times and sends what fails to a queue.
function streamReader(scope, id, table, failures) {
  const f = fn(scope, id);
  f.addEventSource(new eventsources.DynamoEventSource(table, {
    startingPosition: lambda.StartingPosition.LATEST,
    retryAttempts: 3,
    onFailure: new eventsources.SqsDlq(failures),
  }));
  return f;
}

// 1. The network: a VPC with public, private (NAT) and isolated subnets, and the public load balancer.
class NetworkStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.30.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    // The isolated subnets reach DynamoDB (and only DynamoDB) through a gateway endpoint.
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    this.alb = new elbv2.ApplicationLoadBalancer(this, 'PublicAlb', { vpc: this.vpc, internetFacing: true });
    this.listener = this.alb.addListener('Http', {
      port: 80,
      open: true,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'not found' }),
    });
    // A target group of type instance, which the web stack's awsvpc service is (wrongly) registered with.
    this.legacyTargets = new elbv2.ApplicationTargetGroup(this, 'LegacyTargets', {
      vpc: this.vpc,
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
    });
    this.listener.addTargetGroups('Legacy', {
      targetGroups: [this.legacyTargets],
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/legacy/*'])],
    });
  }
}

// 2. The data tier: a key, and the databases in a nested stack.
class DatabasesStack extends NestedStack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 });
    const common = {
      engine,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc: props.vpc,
      allocatedStorage: 20,
      multiAz: true,
      storageEncrypted: true,
      backupRetention: Duration.days(7),
      credentials: rds.Credentials.fromGeneratedSecret('postgres'),
      removalPolicy: RemovalPolicy.SNAPSHOT,
      publiclyAccessible: false,
    };
    // TRAP (W9705): in the network stack's isolated subnets.
    new rds.DatabaseInstance(this, 'OrdersDb', {
      ...common,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    // PLANTED (W9705): its subnet group is the network stack's public subnets.
    new rds.DatabaseInstance(this, 'ReportingDb', {
      ...common,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
  }
}

class DataStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    // TRAP (E9607): the key of the payments queue (messaging stack) lets SNS use it, here.
    this.queueKey = new kms.Key(this, 'QueueKey', { description: 'Key of the shop queues', enableKeyRotation: true });
    this.queueKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    // PLANTED (E9607): the key of the ledger queue does not let SNS use it.
    this.ledgerKey = new kms.Key(this, 'LedgerKey', { description: 'Key of the ledger queue', enableKeyRotation: true });
    new DatabasesStack(this, 'Databases', { vpc: props.vpc });

    // Dead-letter queues the messaging stack's queues redrive to.
    this.archiveDlq = new sqs.Queue(this, 'ArchiveDlq', { retentionPeriod: Duration.days(14) });
    this.shortDlq = new sqs.Queue(this, 'ShortDlq', { retentionPeriod: Duration.days(4) });
    // A topic of partner events that the messaging stack's queues subscribe to.
    this.partnerEvents = new sns.Topic(this, 'PartnerEvents');
    // TRAP (W9507, W9818): a table with a stream read by two functions of two other stacks (one nested),
    // both with failure handling.
    this.sessions = new dynamodb.Table(this, 'Sessions', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    // PLANTED (W9818): a stream read by three functions in two other stacks.
    this.activity = new dynamodb.Table(this, 'Activity', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    // PLANTED (E9608, reported on the serverless stack's mapping): a table without a stream whose
    // stream another stack reads.
    this.carts = new dynamodb.CfnTable(this, 'Carts', {
      billingMode: 'PAY_PER_REQUEST',
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    // TRAP (W9801): the archive bucket's HTTPS-only policy is written in the web stack.
    this.archive = new s3.Bucket(this, 'Archive', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
  }
}

// 3. Messaging: the queues and the topic that feeds them.
class MessagingStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.ordersDlq = new sqs.Queue(this, 'OrdersDlq', { retentionPeriod: Duration.days(14) });
    // PLANTED (E9504): 30 s visibility, consumed by a 60 s function in the serverless stack's nested stack.
    this.ordersQueue = new sqs.Queue(this, 'OrdersQueue', {
      visibilityTimeout: Duration.seconds(30),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.ordersDlq, maxReceiveCount: 5 },
    });
    // TRAP (E9504, W9505, W9602): 360 s covers the 60 s consumer six times; its DLQ is here.
    this.paymentsQueue = new sqs.Queue(this, 'PaymentsQueue', {
      visibilityTimeout: Duration.seconds(360),
      deadLetterQueue: { queue: this.ordersDlq, maxReceiveCount: 5 },
    });
    // Encrypted with the data stack's key through an escape hatch: CDK's subscription would otherwise add
    // a grant naming this stack's topic to that key's policy, a cycle between the two stacks.
    this.paymentsQueue.node.defaultChild.kmsMasterKeyId = props.queueKey.keyArn;
    // PLANTED (W9602): consumed in the serverless stack, no dead-letter queue.
    this.auditQueue = new sqs.Queue(this, 'AuditQueue', { visibilityTimeout: Duration.seconds(360) });

    const events = new sns.Topic(this, 'OrderEvents');
    events.addSubscription(new subs.SqsSubscription(this.paymentsQueue));
    // PLANTED (E9607): encrypted with the data stack's ledger key, which does not let SNS use it.
    this.ledgerQueue = new sqs.Queue(this, 'LedgerQueue', {
      visibilityTimeout: Duration.seconds(360),
      deadLetterQueue: { queue: this.ordersDlq, maxReceiveCount: 5 },
    });
    this.ledgerQueue.node.defaultChild.kmsMasterKeyId = props.ledgerKey.keyArn;
    events.addSubscription(new subs.SqsSubscription(this.ledgerQueue));

    // TRAP (E9601, W9603): a standard queue whose dead-letter queue, in the data stack, is standard and
    // keeps messages longer; and (E9606) it subscribes to the data stack's topic, and CDK writes the queue
    // policy that lets that topic send here.
    const refunds = new sqs.Queue(this, 'RefundsQueue', {
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: props.archiveDlq, maxReceiveCount: 5 },
    });
    props.partnerEvents.addSubscription(new subs.SqsSubscription(refunds));
    // PLANTED (W9603): keeps messages 7 days; its dead-letter queue in the data stack keeps them 4.
    // PLANTED (E9606, reported on the subscription): subscribed to the data stack's topic, no queue policy.
    const chargebacks = new sqs.Queue(this, 'ChargebacksQueue', {
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(7),
      deadLetterQueue: { queue: props.shortDlq, maxReceiveCount: 5 },
    });
    new sns.CfnSubscription(this, 'ChargebacksSubscription', {
      topicArn: props.partnerEvents.topicArn,
      protocol: 'sqs',
      endpoint: chargebacks.queueArn,
    });
    // PLANTED (E9601): a FIFO queue whose dead-letter queue, in the data stack, is a standard queue.
    const invoices = new sqs.Queue(this, 'InvoicesQueue', {
      fifo: true,
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
    });
    invoices.node.defaultChild.redrivePolicy = { deadLetterTargetArn: props.archiveDlq.queueArn, maxReceiveCount: 5 };
  }
}

// 4. Serverless: workers in a nested stack, functions in the network's subnets.
class WorkersStack extends NestedStack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const concurrency = new CfnParameter(this, 'WorkerConcurrency', {
      type: 'Number',
      default: 0,
      description: 'Reserved concurrency of the workers (the parent passes the real value)',
    });
    const worker = (name, queue, extra = {}) => {
      const f = fn(this, name, { timeout: Duration.seconds(60), ...extra });
      f.addEventSource(new eventsources.SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
      return f;
    };
    const orders = worker('OrdersWorker', props.ordersQueue);
    // TRAP (E9519 or W9512 on a wrong child default): 0 reserved concurrency by default, but the parent
    // binds WorkerConcurrency to 20.
    orders.node.defaultChild.reservedConcurrentExecutions = concurrency.valueAsNumber;
    worker('PaymentsWorker', props.paymentsQueue);
    worker('AuditWorker', props.auditQueue);
    worker('LedgerWorker', props.ledgerQueue);
    // TRAP (W9507, W9818): the second reader of the data stack's sessions stream, with failure handling.
    streamReader(this, 'SessionWorker', props.sessions, props.failures);
  }
}

class ServerlessStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new WorkersStack(this, 'Workers', {
      ordersQueue: props.ordersQueue,
      paymentsQueue: props.paymentsQueue,
      auditQueue: props.auditQueue,
      ledgerQueue: props.ledgerQueue,
      sessions: props.sessions,
      failures: props.streamFailures,
      parameters: { WorkerConcurrency: '20' },
    });
    // TRAP (W9510): in the network stack's private subnets, whose route tables lead to its NAT gateway.
    fn(this, 'CatalogSync', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      description: 'Calls the supplier API from inside the VPC',
    });
    // PLANTED (W9510): in the network stack's isolated subnets (no route out, no endpoint), and it sends
    // to the messaging stack's queue.
    const priceFeed = fn(this, 'PriceFeed', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'Posts price changes to the orders queue',
    });
    props.ordersQueue.grantSendMessages(priceFeed);
    // PLANTED (W9508): the web stack's bucket invokes it asynchronously; no dead-letter queue.
    this.thumbnailer = fn(this, 'Thumbnailer', { description: 'Makes thumbnails of uploaded images' });
    // TRAP (E9503): the web stack's schedule invokes the thumbnailer; this permission, here, lets it.
    new lambda.CfnPermission(this, 'ScheduleInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: this.thumbnailer.functionArn,
      principal: 'events.amazonaws.com',
      sourceAccount: this.account,
    });
    // PLANTED (E9503, reported on the web stack's bucket): a bucket of the web stack notifies it, and no
    // stack lets S3 invoke it.
    this.reporter = fn(this, 'Reporter', { description: 'Indexes uploaded reports' });
    // TRAP (W9510): in the network stack's isolated subnets, and it calls only DynamoDB, which the network
    // stack's gateway endpoint serves.
    const stockSync = fn(this, 'StockSync', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'Copies stock levels inside the VPC',
    });
    props.sessions.grantReadWriteData(stockSync);
    // TRAP (W9818): the first reader of the data stack's sessions stream.
    streamReader(this, 'SessionAudit', props.sessions, props.streamFailures);
    // PLANTED (W9818): two of the three readers of the data stack's activity stream.
    streamReader(this, 'ActivityFeed', props.activity, props.streamFailures);
    streamReader(this, 'ActivityIndex', props.activity, props.streamFailures);
    // The mapping of PLANTED (E9608): it reads the stream of the data stack's table without a stream.
    const cartsWorker = fn(this, 'CartsWorker', { description: 'Follows cart changes' });
    new lambda.CfnEventSourceMapping(this, 'CartsMapping', {
      eventSourceArn: props.carts.attrStreamArn,
      functionName: cartsWorker.functionName,
      startingPosition: 'LATEST',
      maximumRetryAttempts: 3,
      destinationConfig: { onFailure: { destination: props.streamFailures.queueArn } },
    });
  }
}

// 5. Web: uploads that notify the serverless stack, the web service behind the network's load balancer.
class WebStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    // TRAP (E9503): CDK puts the invoke permission and the notification in this (the bucket's) stack.
    const uploads = new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(props.thumbnailer),
      { prefix: 'images/' });
    // PLANTED (E9503): notifies the serverless stack's reporter, which no permission lets S3 invoke.
    new s3.CfnBucket(this, 'Reports', {
      publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true,
        restrictPublicBuckets: true },
      notificationConfiguration: {
        lambdaConfigurations: [{ event: 's3:ObjectCreated:*', function: props.reporter.functionArn }],
      },
    });
    // TRAP (E9503): a schedule that invokes the serverless stack's thumbnailer, allowed there.
    new events.CfnRule(this, 'NightlyThumbnails', {
      scheduleExpression: 'cron(0 3 * * ? *)',
      targets: [{ id: 'thumbnailer', arn: props.thumbnailer.functionArn }],
    });
    // TRAP (W9801): the data stack's archive bucket accepts only HTTPS, by this policy.
    new s3.CfnBucketPolicy(this, 'ArchiveTlsOnly', {
      bucket: props.archive.bucketName,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [props.archive.bucketArn, `${props.archive.bucketArn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }],
      },
    });
    // PLANTED (W9818): the third reader of the data stack's activity stream.
    streamReader(this, 'ActivityArchiver', props.activity, props.streamFailures);

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const task = new ecs.FargateTaskDefinition(this, 'WebTask', { cpu: 256, memoryLimitMiB: 512 });
    task.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
      portMappings: [{ containerPort: 80 }],
    });
    const service = new ecs.FargateService(this, 'WebService', {
      cluster,
      taskDefinition: task,
      desiredCount: 2,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
    // TRAP (W9726, E9711): target group of type ip in the network stack; the ingress rule that lets the
    // load balancer in is written in this stack.
    props.listener.addTargets('Web', { port: 80, targets: [service], priority: 20,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])] });
    // PLANTED (E9711, reported on the network stack's target group): an awsvpc service registered with a
    // target group of type instance; and (W9726) its security group does not let the load balancer in.
    const legacySg = new ec2.SecurityGroup(this, 'LegacySg', { vpc: props.vpc, description: 'Legacy web' });
    legacySg.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(8080));
    new ecs.CfnService(this, 'LegacyService', {
      cluster: cluster.clusterName,
      taskDefinition: task.taskDefinitionArn,
      launchType: 'FARGATE',
      desiredCount: 1,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
          securityGroups: [legacySg.securityGroupId],
        },
      },
      loadBalancers: [{ containerName: 'web', containerPort: 80, targetGroupArn: props.legacyTargets.targetGroupArn }],
    }).node.addDependency(props.listener);
  }
}

// A stage: a small copy of the messaging and its consumer, as a second assembly inside the first.
class StagingStage extends Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    const queues = new Stack(this, 'Queues');
    // PLANTED (E9504): 20 s visibility, consumed by a 45 s function in the other stack of the stage.
    const jobs = new sqs.Queue(queues, 'JobsQueue', {
      visibilityTimeout: Duration.seconds(20),
      deadLetterQueue: { queue: new sqs.Queue(queues, 'JobsDlq', { retentionPeriod: Duration.days(14) }),
        maxReceiveCount: 5 },
    });
    const consumers = new Stack(this, 'Consumers');
    // No reserved concurrency, and an uncapped SQS mapping drives it: W9501, suppressed the way a CDK user
    // suppresses a rule for one resource (README "Applications and CDK"; in TypeScript,
    // `(worker.node.defaultChild as CfnResource).addMetadata(...)`).
    const worker = fn(consumers, 'JobsWorker', { timeout: Duration.seconds(45), reservedConcurrentExecutions: undefined });
    worker.addEventSource(new eventsources.SqsEventSource(jobs, { batchSize: 5 }));
    worker.node.defaultChild.addMetadata('cfn-lint', { config: { ignore_checks: ['W9501'] } });
  }
}

function build(app) {
  const env = { account: '123456789012', region: 'us-east-1' };
  const network = new NetworkStack(app, 'ShopNetwork', { env });
  const data = new DataStack(app, 'ShopData', { env, vpc: network.vpc });
  const messaging = new MessagingStack(app, 'ShopMessaging', {
    env,
    queueKey: data.queueKey,
    ledgerKey: data.ledgerKey,
    archiveDlq: data.archiveDlq,
    shortDlq: data.shortDlq,
    partnerEvents: data.partnerEvents,
  });
  const serverless = new ServerlessStack(app, 'ShopServerless', {
    env,
    vpc: network.vpc,
    ordersQueue: messaging.ordersQueue,
    paymentsQueue: messaging.paymentsQueue,
    auditQueue: messaging.auditQueue,
    ledgerQueue: messaging.ledgerQueue,
    sessions: data.sessions,
    activity: data.activity,
    carts: data.carts,
    streamFailures: data.archiveDlq,
  });
  new WebStack(app, 'ShopWeb', {
    env,
    vpc: network.vpc,
    listener: network.listener,
    legacyTargets: network.legacyTargets,
    thumbnailer: serverless.thumbnailer,
    reporter: serverless.reporter,
    archive: data.archive,
    activity: data.activity,
    streamFailures: data.archiveDlq,
  });
  new StagingStage(app, 'Staging', { env });
  return app;
}

module.exports = { build };

if (require.main === module) {
  build(new cdk.App()).synth();
}
