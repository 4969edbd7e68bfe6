/**
 * 试算 (SPEC §11): a round computed under other rules, side by side with the computation it is
 * compared to. Only the firms whose rank or list would change are shown, each with its reasons and
 * rule firings on both sides and the firings that one side has and the other has not; a composite
 * that moves without moving the rank or the list is counted, not listed (new weights move every
 * composite).
 */
import { type ChangeWords, type ResultChange, compareComputations } from './result-changes';
import type { FirmResult, RuleFiring } from './types';
import { renderRules } from './explanation';

export interface WhatIfSide {
  reasons: string[];
  rules: RuleFiring[];
}

export interface WhatIfChange extends ResultChange {
  before: WhatIfSide;
  after: WhatIfSide;
  /** Firings of the simulated result that the compared one has not (by rule, code and text). */
  firedOnlyAfter: RuleFiring[];
  /** Firings of the compared result that the simulated one has not. */
  firedOnlyBefore: RuleFiring[];
}

export interface WhatIfComparison {
  /** Firms whose rank or list would change, in the simulated result's order. */
  changes: WhatIfChange[];
  /** Firms whose published composite would change while their rank and list stay. */
  compositeOnly: number;
}

const key = (r: RuleFiring): string => `${r.rule}\u0000${r.code}\u0000${r.text}`;
const without = (list: readonly RuleFiring[], other: readonly RuleFiring[]): RuleFiring[] => {
  const keys = new Set(other.map(key));
  return list.filter((r) => !keys.has(key(r)));
};
const side = (f: FirmResult | undefined): WhatIfSide => ({ reasons: f ? [...f.reasons] : [], rules: f ? renderRules(f.explanation.rules) : [] });

export function compareWhatIf(before: readonly FirmResult[], after: readonly FirmResult[], words: ChangeWords): WhatIfComparison {
  const old = new Map(before.map((f) => [f.uscc, f]));
  const now = new Map(after.map((f) => [f.uscc, f]));
  const changes: WhatIfChange[] = [];
  let compositeOnly = 0;
  for (const c of compareComputations(before, after, words)) {
    if (c.rankBefore === c.rankAfter && c.listBefore === c.listAfter) {
      compositeOnly += 1;
      continue;
    }
    const b = side(old.get(c.uscc));
    const a = side(now.get(c.uscc));
    changes.push({ ...c, before: b, after: a, firedOnlyAfter: without(a.rules, b.rules), firedOnlyBefore: without(b.rules, a.rules) });
  }
  return { changes, compositeOnly };
}
