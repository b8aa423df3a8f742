// The policy domain's public surface (data-plane rules): other domains import only this file.
export { policyFeature as feature } from "./feature";
export { type RuleInput, type RulesIntent, ZRuleInput } from "./schemas";
