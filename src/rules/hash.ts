/**
 * Canonical JSON of a rule document (keys sorted at every level, no whitespace, arrays in order)
 * and its sha256: equal rules give equal hashes, whatever the key order or the defaults left out,
 * so a published result can be recomputed bit for bit from the rules stored with it.
 */
import { createHash } from 'node:crypto';
import { type Rules } from '../domain/rules';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in rules');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function canonicalRulesJson(rules: Rules): string {
  return canonical(rules);
}

export function rulesHash(rules: Rules): string {
  return createHash('sha256').update(canonicalRulesJson(rules), 'utf8').digest('hex');
}
