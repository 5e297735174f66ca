// The plugin around the pack's command, with a stand-in command (test/fake-pack.js): the arguments it
// gets, one run per synth, an older pack, a missing pack, a pack that refuses its options.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BestPracticesPlugin, PackMissingError } = require('../lib/index');

const FAKE = [process.execPath, path.join(__dirname, 'fake-pack.js')];
const PAGE = 'https://github.com/cfn-lint-bestpractices/cfn-lint-bestpractices/blob/main/rules/';
const API = '/app/cdk.out/ShopApi.template.json';
const DATA = '/app/cdk.out/ShopData.template.json';

function finding(id, source, logicalId) {
  return {
    Rule: { Id: id, ShortDescription: `rule ${id}`, Source: source },
    Message: `finding of ${id}`,
    Level: 'Warning',
    Filename: API,
    Location: { Path: ['Resources', logicalId, 'Properties', 'Timeout'] },
  };
}
const PACK = finding('W9501', `${PAGE}W9501.md`, 'Worker11F36D0F');
const STOCK = finding('W3005', 'https://github.com/aws-cloudformation/cfn-lint', 'Worker11F36D0F');

function context(regions = ['eu-west-1', 'eu-west-1']) {
  const paths = [API, DATA];
  return {
    templatePaths: paths,
    stackTemplates: paths.map((p, i) => ({
      templatePath: p, stackConstructPath: path.basename(p, '.template.json'), region: regions[i], accountId: undefined,
    })),
  };
}

/** Run fn with the fake's environment set; return what it returned (or threw), the argv of each run, and stderr. */
function withFake(env, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-cdk-'));
  const log = path.join(dir, 'runs.log');
  const saved = { ...process.env };
  Object.assign(process.env, { FAKE_LOG: log }, env);
  const written = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk) => { written.push(String(chunk)); return true; };
  let result; let error;
  try {
    result = fn();
  } catch (e) {
    error = e;
  } finally {
    process.stderr.write = write;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  const runs = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { result, error, runs, stderr: written.join('') };
}

test('one run over every template, with each option as the pack takes it', () => {
  const plugin = new BestPracticesPlugin({
    command: FAKE,
    select: ['W95', 'I9723'],
    ignore: ['W9804'],
    configure: { W9501: { exempt_functions: ['Legacy.*', 'Batch,Jobs'] }, E9502: { account_limit: 3000 }, W9604: { check_topics: false } },
    baseline: 'base.json',
    extraArgs: ['--include-experimental'],
  });
  const { result, runs } = withFake({ FAKE_STDOUT: JSON.stringify([PACK]) }, () => plugin.validate(context()));
  assert.deepStrictEqual(runs, [[
    '--format', 'json', '--pack-only',
    '--ignore-checks', 'W9804',
    '--include-checks', 'W95', 'I9723',
    '-x', 'W9501:exempt_functions=["Legacy.*","Batch,Jobs"]', '-x', 'E9502:account_limit=3000', '-x', 'W9604:check_topics=false',
    '--baseline', 'base.json',
    '--regions', 'eu-west-1',
    '--include-experimental',
    '--', API, DATA,
  ]]);
  assert.equal(result.success, true);
  assert.deepStrictEqual(result.violations.map((v) => [v.ruleName, v.severity, v.violatingResources[0].locations]),
    [['W9501', 'warning', ['Properties.Timeout']]]);
});

test('-x words pass through as given; no --regions when the stacks differ or the user gives them', () => {
  const words = new BestPracticesPlugin({ command: FAKE, configure: ['E9502:account_limit=3000'] });
  const mixed = withFake({}, () => words.validate(context(['eu-west-1', 'us-east-1'])));
  assert.deepStrictEqual(mixed.runs[0].slice(0, 5), ['--format', 'json', '--pack-only', '-x', 'E9502:account_limit=3000']);
  assert.ok(!mixed.runs[0].includes('--regions'));
  const unknown = withFake({}, () => words.validate(context(['eu-west-1', undefined])));
  assert.ok(!unknown.runs[0].includes('--regions'));
  const own = new BestPracticesPlugin({ command: FAKE, extraArgs: ['--regions', 'us-west-2'] });
  const given = withFake({}, () => own.validate(context()));
  assert.equal(given.runs[0].filter((a) => a === '--regions').length, 1);
  assert.equal(given.runs[0][given.runs[0].indexOf('--regions') + 1], 'us-west-2');
});

test('an older pack without --pack-only runs in full, and only the pack\'s findings are kept', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE });
  const { result, runs } = withFake({ FAKE_OLD: '1', FAKE_STDOUT: JSON.stringify([STOCK, PACK]) },
    () => plugin.validate(context()));
  assert.equal(runs.length, 2);
  assert.ok(runs[0].includes('--pack-only'));
  assert.ok(!runs[1].includes('--pack-only'));
  assert.deepStrictEqual(result.violations.map((v) => v.ruleName), ['W9501']);
});

test('includeStockFindings: a full run, stock findings kept', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE, includeStockFindings: true });
  const { result, runs } = withFake({ FAKE_STDOUT: JSON.stringify([STOCK, PACK]) }, () => plugin.validate(context()));
  assert.equal(runs.length, 1);
  assert.ok(!runs[0].includes('--pack-only'));
  assert.deepStrictEqual(result.violations.map((v) => v.ruleName), ['W3005', 'W9501']);
});

test('failOn decides success; the default is errors', () => {
  const error = { ...PACK, Rule: { ...PACK.Rule, Id: 'E9502', Source: `${PAGE}E9502.md` } };
  const run = (props, found) => withFake({ FAKE_STDOUT: JSON.stringify(found) },
    () => new BestPracticesPlugin({ command: FAKE, ...props }).validate(context())).result.success;
  assert.equal(run({}, [PACK]), true);
  assert.equal(run({}, [error]), false);
  assert.equal(run({ failOn: 'warning' }, [PACK]), false);
  assert.equal(run({ failOn: 'none' }, [error]), true);
  assert.throws(() => new BestPracticesPlugin({ failOn: 'warnings' }), /failOn takes 'error', 'warning', 'info' or 'none'/);
});

test('a missing pack: one message saying how to install it, and the synth goes on', () => {
  const plugin = new BestPracticesPlugin({ command: '/nonexistent/bin/cfn-lint-bestpractices' });
  const { result, error, stderr } = withFake({}, () => plugin.validate(context()));
  assert.equal(error, undefined);
  assert.deepStrictEqual(result, { success: true, violations: [] });
  assert.equal(stderr.split('\n').filter(Boolean).length, 1);
  assert.match(stderr, /cannot run the pack's command `\/nonexistent\/bin\/cfn-lint-bestpractices` \(not found\)/);
  assert.match(stderr, /pip install cfn-lint-bestpractices/);
  assert.match(stderr, /failIfMissing: true/);
});

test('a missing pack fails the synth when failIfMissing is set', () => {
  const plugin = new BestPracticesPlugin({ command: '/nonexistent/bin/cfn-lint-bestpractices', failIfMissing: true });
  const { error, stderr } = withFake({}, () => plugin.validate(context()));
  assert.ok(error instanceof PackMissingError);
  assert.match(error.message, /pip install cfn-lint-bestpractices/);
  assert.equal(stderr, '');
});

test('a Python without the pack (python -m) is a missing pack too', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE });
  const { result, stderr } = withFake({ FAKE_EXIT: '1', FAKE_STDOUT: '',
    FAKE_STDERR: "/usr/bin/python3: No module named cfn_lint_bestpractices\n" }, () => plugin.validate(context()));
  assert.deepStrictEqual(result, { success: true, violations: [] });
  assert.match(stderr, /its Python has no cfn_lint_bestpractices module.*pip install cfn-lint-bestpractices/);
});

test('options the pack refuses fail the synth with the pack\'s own words', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE, configure: { W9604: { bogus: 1 } } });
  const { error } = withFake({ FAKE_EXIT: '1', FAKE_STDOUT: '',
    FAKE_STDERR: "cfn-lint-bestpractices: --configure-rule: rule W9604 has no option 'bogus'\n" },
  () => plugin.validate(context()));
  assert.match(error.message, /refused its options: cfn-lint-bestpractices: --configure-rule: rule W9604 has no option 'bogus'/);
});

test('output that is not JSON findings fails the synth and says what came out', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE });
  const bad = withFake({ FAKE_EXIT: '2', FAKE_STDOUT: 'Traceback (most recent call last):' }, () => plugin.validate(context()));
  assert.match(bad.error.message, /did not print JSON findings \(exit code 2\): Traceback/);
  const notList = withFake({ FAKE_STDOUT: '{"a": 1}' }, () => plugin.validate(context()));
  assert.match(notList.error.message, /not a list of findings/);
});

test('no templates: nothing to run', () => {
  const plugin = new BestPracticesPlugin({ command: FAKE });
  const { result, runs } = withFake({}, () => plugin.validate({ templatePaths: [], stackTemplates: [] }));
  assert.deepStrictEqual(result, { success: true, violations: [] });
  assert.equal(runs.length, 0);
});

test('the name CDK builds the acknowledgement namespace from, and the version', () => {
  const plugin = new BestPracticesPlugin();
  assert.equal(plugin.name, 'cfn-lint-bestpractices');
  assert.equal(plugin.version, require('../package.json').version);
});
