// Running the pack's command once over every template of the synth, synchronously: aws-cdk-lib calls
// a plugin's validate() without awaiting it, so the plugin cannot use a Promise.
import { spawnSync } from 'child_process';
import type { PackMatch } from './findings';

/** A rule option's value: a list is passed as a JSON list, so that an item may hold a comma. */
export type RuleOptionValue = string | number | boolean | readonly string[];

/** `{ W9501: { exempt_functions: ['Legacy.*'] } }`, or cfn-lint's `-x` words: `['W9501:exempt_functions=Legacy.*']`. */
export type RuleOptions = Readonly<Record<string, Readonly<Record<string, RuleOptionValue>>>> | readonly string[];

export const DEFAULT_COMMAND: readonly string[] = ['cfn-lint-bestpractices'];

export const INSTALL = 'pip install cfn-lint-bestpractices';

export interface CommandOptions {
  readonly command?: string | readonly string[];
  readonly ignore?: readonly string[];
  readonly select?: readonly string[];
  readonly configure?: RuleOptions;
  readonly baseline?: string;
  readonly packOnly?: boolean;
  readonly regions?: readonly string[];
  readonly extraArgs?: readonly string[];
}

/** The pack's command could not be started, or its Python has no pack: the message says how to install it. */
export class PackMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackMissingError';
  }
}

export function commandOf(command: string | readonly string[] | undefined): string[] {
  if (command === undefined) return [...DEFAULT_COMMAND];
  const argv = typeof command === 'string' ? [command] : [...command];
  if (argv.length === 0 || argv[0] === '') throw new Error('cfn-lint-bestpractices-cdk: `command` is empty');
  return argv;
}

function settingValue(value: RuleOptionValue): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** `-x RULE:OPTION=VALUE` words, one setting each. */
export function configureArgs(configure: RuleOptions | undefined): string[] {
  if (!configure) return [];
  const words: string[] = Array.isArray(configure)
    ? [...(configure as readonly string[])]
    : Object.entries(configure as Record<string, Record<string, RuleOptionValue>>).flatMap(
      ([rule, settings]) => Object.entries(settings).map(([name, value]) => `${rule}:${name}=${settingValue(value)}`));
  return words.flatMap((w) => ['-x', w]);
}

function hasOption(args: readonly string[], ...names: string[]): boolean {
  return args.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
}

export function packArgs(templates: readonly string[], options: CommandOptions): string[] {
  const extra = [...(options.extraArgs ?? [])];
  const args = ['--format', 'json'];
  if (options.packOnly) args.push('--pack-only');
  if (options.ignore && options.ignore.length > 0) args.push('--ignore-checks', ...options.ignore);
  // informational rules are off unless included: a selected I rule must run
  if (options.select && options.select.length > 0) args.push('--include-checks', ...options.select);
  args.push(...configureArgs(options.configure));
  if (options.baseline) args.push('--baseline', options.baseline);
  if (options.regions && options.regions.length > 0 && !hasOption(extra, '--regions', '-r')) {
    args.push('--regions', ...options.regions);
  }
  args.push(...extra);
  args.push('--', ...templates);
  return args;
}

export interface RunResult {
  readonly matches: PackMatch[];
  /** The pack did not know --pack-only (older than the plugin): it ran in full, stock findings filtered here. */
  readonly packOnlyFellBack: boolean;
}

function display(argv: readonly string[]): string {
  return argv.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export function missingMessage(argv: readonly string[], why: string): string {
  return `cannot run the pack's command \`${display(argv)}\` (${why}). `
    + `Install it into a Python 3.10 or later on your PATH: ${INSTALL} `
    + "(or name the command: new BestPracticesPlugin({ command: ['python3', '-m', 'cfn_lint_bestpractices'] }))";
}

function spawn(argv: readonly string[], cwd: string) {
  return spawnSync(argv[0], argv.slice(1), {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    windowsHide: true,
    // the findings are JSON in UTF-8 whatever the user's locale
    env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' },
  });
}

/** Lint the templates in one run of the pack's command and return its findings. */
export function runPack(templates: readonly string[], options: CommandOptions, cwd: string): RunResult {
  const base = commandOf(options.command);
  let packOnly = options.packOnly ?? false;
  for (;;) {
    const argv = [...base, ...packArgs(templates, { ...options, packOnly })];
    const res = spawn(argv, cwd);
    const stderr = (res.stderr ?? '').trim();
    if (res.error) {
      const code = (res.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        throw new PackMissingError(missingMessage(base, code === 'ENOENT' ? 'not found' : 'not executable'));
      }
      throw new Error(`\`${display(base)}\` failed to run: ${res.error.message}`);
    }
    if (res.status !== 0 && /No module named '?cfn_lint_bestpractices/.test(stderr)) {
      throw new PackMissingError(missingMessage(base, 'its Python has no cfn_lint_bestpractices module'));
    }
    if (res.status === 1 && packOnly && /unrecognized arguments:.*--pack-only/.test(stderr)) {
      packOnly = false; // an older pack: run it in full, and keep only the pack's findings (findings.ts)
      continue;
    }
    if (res.signal) throw new Error(`\`${display(base)}\` was stopped by ${res.signal}`);
    if (res.status === 1) {
      // a usage error (a bad option, a rule that does not exist): the pack has said why
      throw new Error(`\`${display(base)}\` refused its options: ${stderr || (res.stdout ?? '').trim()}`);
    }
    const out = (res.stdout ?? '').trim();
    let matches: unknown;
    try {
      matches = out === '' ? [] : JSON.parse(out);
    } catch {
      throw new Error(`\`${display(base)}\` did not print JSON findings (exit code ${res.status}): `
        + `${(stderr || out).slice(0, 2000)}`);
    }
    if (!Array.isArray(matches)) {
      throw new Error(`\`${display(base)}\` printed JSON that is not a list of findings`);
    }
    return { matches: matches as PackMatch[], packOnlyFellBack: (options.packOnly ?? false) && !packOnly };
  }
}
