// The mapping from the pack's JSON findings to CDK violations, on the examples the Python plugin
// (tests/test_cdk_plugin.py) checks too.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { toReport } = require('../lib/findings');

const vectors = require('./vectors.json');

for (const c of vectors.cases) {
  test(c.name, () => {
    const got = toReport(c.matches, {
      ...c.options,
      cwd: vectors.cwd,
      stackPaths: new Map(Object.entries(vectors.stackPaths)),
    });
    assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), c.expected);
  });
}

