import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
} from 'aws-cdk-lib/core';
import { PackMissingError, runPack, type RuleOptions } from './command';
import { toReport, type FailOn } from './findings';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../package.json').version;

export interface BestPracticesPluginProps {
  /**
   * Report only these rules: ids or id prefixes (`['W9501', 'E96']`). Selecting an informational
   * rule (`I9723`) also turns it on.
   * @default - every rule of the pack
   */
  readonly select?: string[];

  /**
   * Rules not to run: ids or prefixes, as cfn-lint's `--ignore-checks` (`['W9804', 'I']`).
   * @default - none
   */
  readonly ignore?: string[];

  /**
   * Rule options, as `-x RULE:OPTION=VALUE`: `{ W9501: { exempt_functions: ['Legacy.*'] } }`, or the
   * `-x` words themselves (`['E9502:account_limit=3000']`).
   * @default - the rules' defaults (and your `.cfnlintrc`)
   */
  readonly configure?: RuleOptions;

  /**
   * The lowest severity that fails the synth: 'error', 'warning', 'info', or 'none' (report only).
   * @default 'error'
   */
  readonly failOn?: FailOn;

  /**
   * A baseline file written by `cfn-lint-bestpractices --write-baseline FILE cdk.out`: only findings
   * not in it are reported. Relative to the directory the synth runs in.
   * @default - no baseline
   */
  readonly baseline?: string;

  /**
   * Also report stock cfn-lint's findings (E1xxx, W3xxx, ...). Off by default: CDK runs its own
   * template validation, and the pack alone is much faster.
   * @default false
   */
  readonly includeStockFindings?: boolean;

  /**
   * The pack's command: a program name or path (`'/opt/venv/bin/cfn-lint-bestpractices'`), or an argv
   * (`['python3', '-m', 'cfn_lint_bestpractices']`).
   * @default 'cfn-lint-bestpractices' on the PATH
   */
  readonly command?: string | string[];

  /**
   * Fail the synth when the pack cannot be run (not installed). Otherwise the synth goes on and one
   * message on stderr says how to install it.
   * @default false
   */
  readonly failIfMissing?: boolean;

  /**
   * More options for the pack's command (any cfn-lint option: `['--regions', 'eu-west-1']`).
   * @default - none
   */
  readonly extraArgs?: string[];
}

/**
 * cfn-lint-bestpractices as a CDK policy validation plugin: register it with
 * `Validations.of(app).addPlugins(new BestPracticesPlugin())`.
 *
 * At the end of a synth it runs the pack's command once over every template of the app (as one
 * application), and reports each finding against the resource's construct path. Acknowledge a rule
 * below a construct with `Validations.of(scope).acknowledge({ id: 'cfn-lint-bestpractices::W9501', reason })`.
 */
export class BestPracticesPlugin implements IPolicyValidationPlugin {
  /** The acknowledgement namespace is this name (CDK turns spaces into dashes; there are none). */
  public static readonly NAME = 'cfn-lint-bestpractices';

  public readonly name = BestPracticesPlugin.NAME;
  public readonly version = VERSION;
  private readonly props: BestPracticesPluginProps;

  constructor(props: BestPracticesPluginProps = {}) {
    const failOn = props.failOn ?? 'error';
    if (!['error', 'warning', 'info', 'none'].includes(failOn)) {
      throw new Error(`cfn-lint-bestpractices-cdk: failOn takes 'error', 'warning', 'info' or 'none', not '${failOn}'`);
    }
    this.props = { ...props, failOn };
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const templates = [...context.templatePaths];
    if (templates.length === 0) return { success: true, violations: [] };
    const stacks = context.stackTemplates ?? [];
    const cwd = process.cwd();
    const includeStock = this.props.includeStockFindings ?? false;
    let matches;
    try {
      matches = runPack(templates, {
        command: this.props.command,
        ignore: this.props.ignore,
        select: this.props.select,
        configure: this.props.configure,
        baseline: this.props.baseline,
        packOnly: !includeStock,
        regions: oneRegion(stacks.map((s) => s.region), context.region),
        extraArgs: this.props.extraArgs,
      }, cwd).matches;
    } catch (err) {
      if (err instanceof PackMissingError && !this.props.failIfMissing) {
        process.stderr.write(`[cfn-lint-bestpractices] ${err.message}; the synth went on without its checks `
          + '(failIfMissing: true makes this fail the synth).\n');
        return { success: true, violations: [] };
      }
      throw err; // CDK reports "Validation plugin 'cfn-lint-bestpractices' failed: ..." and fails the synth
    }
    const mapped = toReport(matches, {
      select: this.props.select,
      includeStockFindings: includeStock,
      failOn: this.props.failOn,
      cwd,
      stackPaths: new Map(stacks.map((s) => [s.templatePath, s.stackConstructPath])),
    });
    return { success: mapped.success, violations: mapped.violations, pluginVersion: VERSION };
  }
}

/** The stacks' region when they all have the same known one (pseudo parameters resolve to it). */
function oneRegion(regions: ReadonlyArray<string | undefined>, region: string | undefined): string[] | undefined {
  const known = regions.length > 0 ? regions : [region];
  if (known.some((r) => r === undefined)) return undefined;
  const distinct = new Set(known as string[]);
  return distinct.size === 1 ? [...distinct] : undefined;
}
