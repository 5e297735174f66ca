#!/usr/bin/env node
// Synthesizes app.js twice, once per cross-stack reference mode, and copies what the pack reads
// (manifest.json of the assembly and of each stage, stack templates, nested stack templates) to
// fixtures/applications/shop-weak/ and shop-strong/. No asset bundles: the pack does not read them.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const FLAG = '@aws-cdk/core:defaultCrossStackReferences';
const HERE = __dirname;
const FIXTURES = path.resolve(HERE, '..', '..', '..', 'fixtures', 'applications');
const CDK = path.join(HERE, 'node_modules', '.bin', 'cdk');

function keep(name) {
  return name === 'manifest.json' || name.endsWith('.template.json');
}

function copyAssembly(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory() && entry.name.startsWith('assembly-')) {
      copyAssembly(source, path.join(to, entry.name));
    } else if (entry.isFile() && keep(entry.name)) {
      let text = fs.readFileSync(source, 'utf8');
      if (entry.name === 'manifest.json') {
        // the feature-flag report changes with every release of aws-cdk-lib and the pack does not read it
        const manifest = JSON.parse(text);
        for (const [id, artifact] of Object.entries(manifest.artifacts || {})) {
          if (artifact.type === 'cdk:feature-flag-report') delete manifest.artifacts[id];
        }
        text = JSON.stringify(manifest, null, 2) + '\n';
      }
      fs.writeFileSync(path.join(to, entry.name), text);
    }
  }
}

// `cdk synth` as a user runs it (the CLI adds the construct paths and asset metadata to the templates),
// once per reference mode. cdk.json holds the feature flags `cdk init` writes and the AZs of the pinned
// account and region, so that no AWS credentials are needed.
for (const mode of ['weak', 'strong']) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `shop-${mode}-`));
  execFileSync(CDK, ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir,
    '--context', `${FLAG}=${mode}`],
  { cwd: HERE, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  const target = path.join(FIXTURES, `shop-${mode}`);
  // replace the assembly, keep what the tests add beside it (expect.json, snapshots/)
  if (fs.existsSync(target)) {
    for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
      if ((entry.isDirectory() && entry.name.startsWith('assembly-')) || (entry.isFile() && keep(entry.name))) {
        fs.rmSync(path.join(target, entry.name), { recursive: true, force: true });
      }
    }
  }
  copyAssembly(outdir, target);
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
