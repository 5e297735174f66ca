// From the pack's JSON output (cfn-lint's `--format json`) to the violations of a CDK validation report.
// Pure functions: test/vectors.json holds examples that this module and the Python plugin
// (cfn_lint_bestpractices/cdk.py) must both map the same way.
import * as path from 'path';

/** One finding as `cfn-lint-bestpractices --format json` prints it (cfn-lint's JSON formatter). */
export interface PackMatch {
  readonly Rule: {
    readonly Id: string;
    readonly ShortDescription?: string;
    readonly Description?: string;
    readonly Source?: string;
  };
  readonly Message: string;
  readonly Level?: string;
  readonly Filename?: string;
  readonly Location?: {
    readonly Path?: ReadonlyArray<string | number> | null;
    readonly Start?: { readonly LineNumber?: number; readonly ColumnNumber?: number };
  };
}

/** A severity as CDK's report knows it. */
export type Severity = 'error' | 'warning' | 'info';

/** The lowest severity that fails the synth, or 'none'. */
export type FailOn = Severity | 'none';

export interface ViolatingResource {
  readonly resourceLogicalId?: string;
  readonly constructPath?: string;
  readonly templatePath: string;
  readonly locations: string[];
}

export interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly fix?: string;
  readonly severity: Severity;
  readonly violatingResources: ViolatingResource[];
}

export interface MappingOptions {
  /** Rule ids or id prefixes to keep (empty: all). */
  readonly select?: readonly string[];
  /** Keep stock cfn-lint findings too (default: only the pack's, and cfn-lint's E000x run failures). */
  readonly includeStockFindings?: boolean;
  readonly failOn?: FailOn;
  /** Where relative `Filename`s are relative to (the command's working directory). */
  readonly cwd?: string;
  /** Template path -> the stack's construct path, for findings outside `Resources`. */
  readonly stackPaths?: ReadonlyMap<string, string>;
}

// Every page of the pack's rules lives here (rules/_base.py DOCS_URL): it tells the pack's findings
// from stock cfn-lint's in the same JSON.
export const PACK_PAGES = 'https://github.com/cfn-lint-bestpractices/cfn-lint-bestpractices/';

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export function severityOf(match: PackMatch): Severity {
  switch (match.Rule.Id.charAt(0).toUpperCase()) {
    case 'E': return 'error';
    case 'W': return 'warning';
    case 'I': return 'info';
    default: break;
  }
  const level = (match.Level ?? '').toLowerCase();
  if (level.startsWith('err')) return 'error';
  if (level.startsWith('info')) return 'info';
  return 'warning';
}

export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[severity] >= RANK[failOn];
}

/**
 * The severity CDK is told. CDK fails the synth on 'error', and decides again after acknowledgements
 * from the severities alone (a report stays failed only while an error is left). So a finding that
 * fails the synth by `failOn` is reported as an error (warnings under failOn 'warning', as -Werror
 * does), and one that does not is at most a warning (errors under failOn 'none', as CDK reports its
 * own template validation when it does not enforce it). The rule id's first letter keeps the rule's own.
 */
export function reportedSeverity(severity: Severity, failOn: FailOn): Severity {
  if (fails(severity, failOn)) return 'error';
  return severity === 'error' ? 'warning' : severity;
}

/** A finding of the pack, or cfn-lint saying it could not lint a template (E0000-E0009): never dropped. */
export function isKept(match: PackMatch, includeStockFindings: boolean): boolean {
  if (includeStockFindings) return true;
  return (match.Rule.Source ?? '').startsWith(PACK_PAGES) || isRunFailure(match.Rule.Id);
}

/** cfn-lint could not lint a template (E0000 parse, E0001 transform, E0002 rule crash, E0003 config). */
export function isRunFailure(ruleId: string): boolean {
  return /^E000\d$/.test(ruleId);
}

/** A rule the user selected (ids or prefixes, any case); a run failure is always shown. */
export function isSelected(ruleId: string, select: readonly string[] | undefined): boolean {
  if (!select || select.length === 0 || isRunFailure(ruleId)) return true;
  const id = ruleId.toUpperCase();
  return select.some((s) => id.startsWith(s.toUpperCase()));
}

/** Where in the template: a resource and the property path below it (`Properties.Targets.0.Arn`). */
export function resourceOf(match: PackMatch, templatePath: string, stackPaths?: ReadonlyMap<string, string>):
ViolatingResource {
  const where = (match.Location?.Path ?? []).map(String);
  if (where[0] === 'Resources' && where.length >= 2) {
    const rest = where.slice(2);
    return { resourceLogicalId: where[1], templatePath, locations: rest.length > 0 ? [rest.join('.')] : [] };
  }
  // Parameters, Outputs, Conditions, or a whole template: the stack is the construct to name
  const locations = where.length > 0 ? [where.join('.')] : [];
  const stack = stackPaths?.get(templatePath);
  if (stack !== undefined) return { constructPath: stack, templatePath, locations };
  return { resourceLogicalId: where[1] ?? '', templatePath, locations };
}

export function toViolation(match: PackMatch, options: MappingOptions = {}): Violation {
  const cwd = options.cwd ?? process.cwd();
  const templatePath = path.resolve(cwd, match.Filename ?? '');
  const summary = match.Rule.ShortDescription?.trim();
  const message = match.Message.trim();
  const violation: Violation = {
    ruleName: match.Rule.Id,
    description: summary ? `${summary}: ${message}` : message,
    severity: reportedSeverity(severityOf(match), options.failOn ?? 'error'),
    violatingResources: [resourceOf(match, templatePath, options.stackPaths)],
  };
  // the message says what to change; the rule's page says why and shows the fix
  return match.Rule.Source ? { ...violation, fix: match.Rule.Source } : violation;
}

export interface Mapped {
  readonly success: boolean;
  readonly violations: Violation[];
}

export function toReport(matches: readonly PackMatch[], options: MappingOptions = {}): Mapped {
  const violations = matches
    .filter((m) => isKept(m, options.includeStockFindings ?? false))
    .filter((m) => isSelected(m.Rule.Id, options.select))
    .map((m) => toViolation(m, options));
  return { success: !violations.some((v) => v.severity === 'error'), violations };
}
