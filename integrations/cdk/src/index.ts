export { BestPracticesPlugin, type BestPracticesPluginProps } from './plugin';
export { type FailOn, type Severity, type PackMatch, toReport } from './findings';
export { type RuleOptions, type RuleOptionValue, PackMissingError } from './command';
