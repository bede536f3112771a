import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@bff/platform';
import type { LintFinding } from '../types';
import { fieldDescriptionsRule } from './field-descriptions';
import type { LintInput, LintRule } from './lint-rule';
import { listSizeRule } from './list-size';
import { namingRule } from './naming';
import { removalWithoutDeprecationRule } from './removal-without-deprecation';

export type RuleSetting = 'error' | 'warn' | 'off';

export const LINT_RULES: readonly LintRule[] = [namingRule, fieldDescriptionsRule, listSizeRule, removalWithoutDeprecationRule];

/** Rule settings from `schema/check-rules.json`; a rule it does not mention is an error. */
export function readLintSettings(file = resolve(REPO_ROOT, 'schema', 'check-rules.json')): Record<string, RuleSetting> {
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [rule, setting] of Object.entries(settings)) {
    if (!LINT_RULES.some((r) => r.name === rule)) throw new Error(`${file}: unknown lint rule "${rule}"`);
    if (setting !== 'error' && setting !== 'warn' && setting !== 'off') throw new Error(`${file}: "${rule}" must be "error", "warn" or "off"`);
  }
  return settings as Record<string, RuleSetting>;
}

export function lint(input: LintInput, settings: Record<string, RuleSetting>): LintFinding[] {
  const published = publishedCoordinates(input.published);
  return LINT_RULES.flatMap((rule) => {
    const setting = settings[rule.name] ?? 'error';
    if (setting === 'off') return [];
    return rule
      .check(input)
      .filter((problem) => rule.scope === 'change' || !published.has(problem.coordinate))
      .map((problem) => ({ rule: rule.name, severity: setting, ...problem }));
  });
}

function publishedCoordinates(schema: GraphQLSchema): Set<string> {
  const found = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    found.add(type.name);
    if ('getFields' in type) {
      for (const field of Object.values(type.getFields())) {
        found.add(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) found.add(`${type.name}.${field.name}(${arg.name}:)`);
      }
    }
    if ('getValues' in type) for (const value of type.getValues()) found.add(`${type.name}.${value.name}`);
  }
  return found;
}
