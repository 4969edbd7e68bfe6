/**
 * Where two rule documents differ, key path by key path (`weights.resident 5 → 4`): what a what-if
 * (试算) changed against the round's own rules. Both documents are compared as parsed (defaults
 * filled in), so a key left out and the same key written with its default value are equal.
 */
import type { Rules } from '../domain/rules';

export interface RulesDifference {
  /** Key path as the rule document writes it, e.g. "weights.resident", "survey.bands[2].margin". */
  path: string;
  /** The value in the first document (undefined: the key is not there). */
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(path: string, a: unknown, b: unknown, out: RulesDifference[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(path === '' ? key : `${path}.${key}`, a[key], b[key], out);
    return;
  }
  // Arrays of the same length are compared element by element; otherwise the whole list differs.
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => walk(`${path}[${i}]`, item, b[i], out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
}

export function rulesDifferences(before: Rules, after: Rules): RulesDifference[] {
  const out: RulesDifference[] = [];
  walk('', before, after, out);
  return out;
}

/** A value of a rule as a person reads it in a one-liner: JSON, "（无）" for a key not there. */
export function ruleValueText(value: unknown): string {
  return value === undefined ? '（无）' : JSON.stringify(value);
}
