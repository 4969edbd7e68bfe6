/** The rule document: load (validate + defaults), canonical JSON and hash. */
export { parseRules, defaultRules, type RulesProblem } from './parse-rules';
export { canonicalRulesJson, rulesHash } from './hash';
export { rulesSchema, type RulesDocument } from './schema';
export { DEFAULT_DEDUCTION_CATALOGUE } from './default-catalogue';
export type { Rules } from '../domain/rules';
