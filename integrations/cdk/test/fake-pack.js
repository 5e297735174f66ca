#!/usr/bin/env node
// Stands in for the pack's command in test/command.test.js: logs its arguments (FAKE_LOG), then acts
// as told: FAKE_STDOUT, FAKE_STDERR, FAKE_EXIT; FAKE_OLD=1 is a pack that does not know --pack-only.
'use strict';
const fs = require('fs');

const args = process.argv.slice(2);
if (process.env.FAKE_LOG) fs.appendFileSync(process.env.FAKE_LOG, `${JSON.stringify(args)}\n`);
if (process.env.FAKE_OLD === '1' && args.includes('--pack-only')) {
  process.stdout.write('usage: cfn-lint-bestpractices [options] ...\n');
  process.stderr.write('cfn-lint-bestpractices: error: unrecognized arguments: --pack-only\n');
  process.exit(1);
}
if (process.env.FAKE_STDERR) process.stderr.write(process.env.FAKE_STDERR);
process.stdout.write(process.env.FAKE_STDOUT ?? '[]');
process.exit(Number(process.env.FAKE_EXIT ?? '0'));
