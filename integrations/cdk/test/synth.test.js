// Real synths: the packed tarball installed into a CDK app (test/apps/shop.js, two stacks), aws-cdk-lib
// from this package's dev dependencies, and the pack from the checkout under test (../../.venv/bin, or
// CFN_LINT_BESTPRACTICES_BIN). Each test reads what the synth printed, its exit code and
// cdk.out/validation-report.json.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const BIN = process.env.CFN_LINT_BESTPRACTICES_BIN || path.resolve(ROOT, '..', '..', '.venv', 'bin');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-cdk-synth-'));
// the app, in a folder of its own with the plugin in its node_modules; aws-cdk-lib through NODE_PATH
const APP = path.join(WORK, 'app', 'shop.js');
const INSTALLED = path.join(WORK, 'app', 'node_modules', 'cfn-lint-bestpractices-cdk');
const PACK_ID = /^[EWI]9[5-8]\d\d$/;

test.before(() => {
  assert.ok(fs.existsSync(path.join(BIN, 'cfn-lint-bestpractices')),
    `the pack's command is not in ${BIN}: install the checkout there (pip install -e .) or set CFN_LINT_BESTPRACTICES_BIN`);
  // what a user gets: the tarball `npm pack` makes, installed as a package of the app
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', WORK],
    { cwd: ROOT, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = path.join(WORK, JSON.parse(packed.stdout)[0].filename);
  const files = JSON.parse(packed.stdout)[0].files.map((f) => f.path).sort();
  assert.deepStrictEqual(files.filter((f) => /^lib\/(index|plugin)\.(js|d\.ts)$/.test(f)),
    ['lib/index.d.ts', 'lib/index.js', 'lib/plugin.d.ts', 'lib/plugin.js']);
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), files.join(' '));
  fs.mkdirSync(INSTALLED, { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'apps', 'shop.js'), APP);
  const untar = spawnSync('tar', ['xzf', tarball, '-C', INSTALLED, '--strip-components', '1'], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
});

test.after(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
});

let runs = 0;
/** Synthesize the app with these settings; CDK's own template validation only when asked (it costs seconds). */
function synth(settings, { path: searchPath, builtin = false, out = path.join(WORK, `out${runs += 1}`) } = {}) {
  const res = spawnSync(process.execPath, [APP], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: searchPath ?? `${BIN}${path.delimiter}${process.env.PATH}`,
      NODE_PATH: path.join(ROOT, 'node_modules'),
      CDK_OUTDIR: out,
      CDK_VALIDATION: builtin ? 'true' : 'false',
      SHOP_TEST: JSON.stringify(settings),
    },
  });
  const reportFile = path.join(out, 'validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
  const ours = report?.pluginReports.find((r) => r.pluginName === 'cfn-lint-bestpractices');
  const template = (stack) => fs.readFileSync(path.join(out, `${stack}.template.json`), 'utf8');
  return { status: res.status, stderr: res.stderr, report, ours, template, out };
}

/** [rule, construct path, property paths] of each violating construct, sorted. */
function found(violations) {
  return violations.flatMap((v) => v.violatingConstructs.map((c) => [
    v.ruleName, c.constructPath, c.cloudFormationResource?.propertyPaths ?? [],
  ])).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
}

const BUDGET = ['E9502', 'ShopApi/Batch/Resource', ['Properties.ReservedConcurrentExecutions']];
const WORKER = ['W9501', 'ShopApi/Worker/Resource', []];
const JOBS_TIMEOUT = ['W9505', 'ShopApi/Jobs/Resource', ['Properties.VisibilityTimeout']];
const JOBS_DLQ = ['W9602', 'ShopApi/Jobs/Resource', []];
const ORDERS_DLQ = ['W9602', 'ShopData/Orders/Resource', []];
const TABLE = ['W9804', 'ShopData/OrdersTable/Resource', []];
// The pack lints the synth's stacks as one application: the queue of ShopData is read through the
// cross-stack reference of Worker's event source mapping in ShopApi, so Worker is an SQS consumer without
// a concurrency cap (W9501) and Orders a queue with a Lambda consumer but no dead-letter queue (W9602),
// reported in the stack each resource is in.
const EXPECTED = [BUDGET, WORKER, JOBS_TIMEOUT, JOBS_DLQ, ORDERS_DLQ, TABLE];

let weak;
test('weak references (the cdk init default): the pack\'s findings at their construct paths fail the synth', () => {
  weak = synth({ refs: 'weak' }, { builtin: true });
  assert.match(weak.template('ShopApi'), /"Fn::GetStackOutput"/);
  assert.doesNotMatch(weak.template('ShopApi'), /Fn::ImportValue/);
  assert.notEqual(weak.status, 0, 'an error finding fails the synth');
  assert.equal(weak.ours.conclusion, 'failure');
  const rows = found(weak.ours.violations);
  for (const row of EXPECTED) assert.ok(rows.some((r) => JSON.stringify(r) === JSON.stringify(row)), JSON.stringify(row));
  assert.ok(rows.every(([id]) => PACK_ID.test(id)), `only the pack's rules by default: ${rows.map((r) => r[0])}`);
  const budget = weak.ours.violations.find((v) => v.ruleName === 'E9502');
  assert.equal(budget.severity, 'error');
  assert.match(budget.description, /^Reserved concurrency exceeds the account's reservable budget: .*Batch14E90808: 950/);
  // the findings carry no address (the project has none yet): the fix points at the page the command prints
  assert.equal(budget.suggestedFix, "the rule's page: cfn-lint-bestpractices rule E9502");
  const where = budget.violatingConstructs[0];
  assert.equal(where.constructFqn, 'aws-cdk-lib.aws_lambda.CfnFunction');
  assert.deepStrictEqual(where.cloudFormationResource.templatePath, 'ShopApi.template.json');
  // what the user reads in the terminal
  assert.match(weak.stderr, /ShopApi\/Batch\/Resource \(Batch14E90808\)/);
  assert.match(weak.stderr, /Acknowledge with 'cfn-lint-bestpractices::E9502'/);
  assert.match(weak.stderr, /shop\.js:\d+/, 'the line of the app that made the construct');
});

test('acknowledging a rule removes it at and below the scope, and only there', () => {
  const acked = synth({
    refs: 'weak',
    acks: [
      { path: 'ShopApi/Batch', id: 'cfn-lint-bestpractices::E9502', reason: 'a dedicated account' },
      { path: 'ShopApi', id: 'cfn-lint-bestpractices::W9602', reason: 'jobs are idempotent' },
      { path: 'ShopApi', id: 'cfn-lint-bestpractices::W9804', reason: 'not this stack\'s table' },
    ],
  });
  assert.equal(acked.status, 0, acked.stderr);
  assert.equal(acked.ours.conclusion, 'success');
  // W9602 acknowledged at ShopApi stays reported on ShopData's queue; so does W9804 on ShopData's table
  assert.deepStrictEqual(found(acked.ours.violations), [WORKER, JOBS_TIMEOUT, ORDERS_DLQ, TABLE]);
  const suppressed = acked.ours.suppressedViolations.map((v) => [v.ruleName, v.acknowledgedAt, v.reason,
    v.violatingConstructs[0].constructPath]).sort();
  assert.deepStrictEqual(suppressed, [
    ['E9502', 'ShopApi/Batch', 'a dedicated account', 'ShopApi/Batch/Resource'],
    ['W9602', 'ShopApi', 'jobs are idempotent', 'ShopApi/Jobs/Resource'],
  ]);
});

test('strong references (Export / Fn::ImportValue): same findings at the same paths; selection; failOn warning', () => {
  assert.ok(weak, 'runs after the weak-reference test');
  const selected = ([id]) => id === 'W9804' || id.startsWith('W96');
  const strong = synth({ refs: 'strong', props: { select: ['W9804', 'W96'], failOn: 'warning' } });
  assert.match(strong.template('ShopApi'), /"Fn::ImportValue"/);
  assert.match(strong.template('ShopData'), /"Export"/);
  assert.notEqual(strong.status, 0, 'warnings fail the synth with failOn: warning');
  assert.equal(strong.ours.conclusion, 'failure');
  const rows = found(strong.ours.violations);
  assert.ok(rows.length > 0 && rows.every(selected), rows.map((r) => r[0]).join(' '));
  assert.deepStrictEqual(rows, found(weak.ours.violations).filter(selected));
  // a warning that fails the synth is reported as an error; the id keeps its W
  assert.ok(strong.ours.violations.every((v) => v.severity === 'error'));
});

test('failOn warning still fails after an acknowledgement elsewhere (CDK decides again from the severities)', () => {
  const acked = synth({
    refs: 'strong',
    props: { select: ['W9804', 'W96'], failOn: 'warning' },
    acks: [{ path: 'ShopApi/Jobs', id: 'cfn-lint-bestpractices::W9602', reason: 'jobs are idempotent' }],
  });
  assert.notEqual(acked.status, 0, 'W9602 on ShopData and W9804 are left, and fail the synth');
  assert.equal(acked.ours.conclusion, 'failure');
  assert.deepStrictEqual(found(acked.ours.violations), [ORDERS_DLQ, TABLE]);
  assert.deepStrictEqual(acked.ours.suppressedViolations.map((v) => [v.ruleName, v.acknowledgedAt]),
    [['W9602', 'ShopApi/Jobs']]);
});

test('a baseline, rule options and ignored rules reach the pack', () => {
  assert.ok(weak, 'runs after the weak-reference test, in its cdk.out');
  const baseline = path.join(WORK, 'baseline.json');
  const templates = fs.readdirSync(weak.out).filter((f) => f.endsWith('.template.json')).map((f) => path.join(weak.out, f));
  const written = spawnSync(path.join(BIN, 'cfn-lint-bestpractices'),
    ['--write-baseline', baseline, '--ignore-checks', 'W9804', 'E9502', 'W9505', '--', ...templates], { encoding: 'utf8' });
  assert.equal(written.status, 0, written.stderr);
  const again = synth({ props: { baseline, configure: { E9502: { account_limit: 3000 } }, ignore: ['W9505'] } },
    { out: weak.out });
  assert.equal(again.status, 0, again.stderr);
  // W9602 is in the baseline; E9502 is within an account limit of 3000; W9505 is not run; W9804 is new
  assert.deepStrictEqual(found(again.ours.violations), [TABLE]);
});

test('stock cfn-lint findings on request; failOn none reports an error without failing', () => {
  const all = synth({ props: { includeStockFindings: true, failOn: 'none' } });
  assert.equal(all.status, 0, all.stderr);
  assert.equal(all.ours.conclusion, 'success');
  const ids = all.ours.violations.map((v) => v.ruleName);
  // an error that does not fail the synth is reported as a warning; the id keeps its E
  assert.equal(all.ours.violations.find((v) => v.ruleName === 'E9502').severity, 'warning');
  assert.ok(ids.some((id) => !PACK_ID.test(id)), `a stock finding (W3005 on CDK's DependsOn) among ${ids}`);
});

test('no pack on the PATH: one message saying how to install it, and the synth passes', () => {
  const bare = synth({}, { path: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin${path.delimiter}/bin` });
  assert.equal(bare.status, 0, bare.stderr);
  const lines = bare.stderr.split('\n').filter((l) => l.includes('cfn-lint-bestpractices'));
  assert.equal(lines.length, 1, bare.stderr);
  assert.match(lines[0], /cannot run the pack's command `cfn-lint-bestpractices` \(not found\).*pip install cfn-lint-bestpractices/);
  assert.equal(bare.ours, undefined);
});

test('no pack with failIfMissing: the synth fails, and the report says how to install it', () => {
  const strict = synth({ props: { command: '/nonexistent/bin/cfn-lint-bestpractices', failIfMissing: true } });
  assert.notEqual(strict.status, 0);
  assert.equal(strict.ours.conclusion, 'failure');
  assert.match(strict.ours.metadata.error, /pip install cfn-lint-bestpractices/);
});
