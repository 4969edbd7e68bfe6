/**
 * SPEC §5.12, word for word: the explanations worded from stored facts read exactly as the engine
 * wrote them out in full before facts were stored. The digests below were taken from that earlier
 * engine (the one that built every text during the computation) on the same generated province,
 * under each variant of the rules; any change of a wording, an argument's formatting or the order
 * of inputs changes them.
 */
import { createHash } from 'node:crypto';
import { computeAnnualRound } from '../../../src/domain/annual';
import { computeRound } from '../../../src/domain/compute-round';
import { renderExplanation } from '../../../src/domain/explanation';
import type { RoundResult } from '../../../src/domain/types';
import { WORDING_KEYS } from '../../../src/domain/wording';
import { parseRules } from '../../../src/rules';
import { generatedProvince, generatedYear } from './generated-province';

const FIRMS = 2000;
const grades = {
  bands: [
    { grade: 'AAA', min: 90 },
    { grade: 'AA', min: 80 },
    { grade: 'A', min: 70 },
    { grade: 'B', min: 60 },
    { grade: 'C', min: 0 },
  ],
};

const VARIANTS = {
  defaults: {},
  renormalize: { missingSource: 'renormalize' },
  exclude: { missingSource: 'exclude' },
  refillIncludeTies: { red: { refill: true, minComposite: 70 }, tieAtCutoff: 'include' },
  noVetoBlack: { black: { vetoForcesBlack: false }, watch: { complaintsPer1000Above: 5 } },
  graded: { grades },
  listsFromGrades: { grades: { ...grades, listsFrom: 'grades', redGrades: ['AAA'], blackGrades: ['C'], watchGrades: ['B'] } },
} as const;

/** Each firm's reasons and worded explanation, one JSON line per firm, hashed. */
function explanationDigest(result: RoundResult): string {
  const hash = createHash('sha256');
  for (const f of result.firms) hash.update(`${JSON.stringify({ uscc: f.uscc, reasons: f.reasons, explanation: renderExplanation(f.explanation) })}\n`);
  return hash.digest('hex');
}

/** Taken from the engine that wrote every text out in full. */
const RECORDED: Record<string, string> = {
  defaults: 'beecaa7361a79fece2b4c5b51c1b7f8a652ed7371e981788401e2ae18f7af826',
  renormalize: 'afbf0b1929856daf25632c8b37931e7531adef4377f2cfb1bfaf84ad11e7af8f',
  exclude: '2811cfab2e18f708021935361333a43c1b052642299c6679f9024168517df969',
  refillIncludeTies: 'bcf1fe4a8d715643a2fb5b9e0b893dd89c517a39a75699748d6a23ad53f7d5c4',
  noVetoBlack: '3489d5653e618944552c7aa6c1ad07cbf2c65d9b31fddff5255db7f953e6e45c',
  graded: '899fc9b6c67d89230f124400f3ee768f8b4e2eec63735a9ff3da6913f1c95f33',
  listsFromGrades: '510601023dd1d86b24d53b6fce0d4fa42864dbd790a2efba301706254d6769d6',
  "ties-exclude": 'bb9acdb9027c71516643f19cae9fa5be147edf95da71656cb60df707e0b34f83',
  "ties-include": '3b599c7461529a0178ec94b21c15741a50cd923c760362f64bcd685c41b9c048',
  annual: '604e99857fa51228c25a13708f36af968e64c9e1c3ec1f95b4c107e8e2f665a8',
};

const halfYear = generatedProvince(20251, FIRMS);
const tied = generatedProvince(20253, FIRMS, { ties: true });
const year = generatedYear(20252, FIRMS);

describe('explanations worded from facts, on a generated province of 2,000 firms', () => {
  const words = new Set<string>();
  const collect = (result: RoundResult): void => {
    for (const f of result.firms) {
      for (const i of f.explanation.inputs) for (const p of [i.subject, i.value]) if (typeof p !== 'string') words.add(p[0]);
      for (const r of f.explanation.rules) if (typeof r.text !== 'string') words.add(r.text[0]);
    }
  };

  it.each(Object.entries(VARIANTS))('read word for word as before under the rules "%s"', (name, rules) => {
    const result = computeRound(halfYear, parseRules(rules), { rulesHash: 'h', force: true });
    collect(result);
    expect(explanationDigest(result)).toBe(RECORDED[name]);
  });

  it.each(['exclude', 'include'] as const)('read word for word as before with complete ties across both cut-offs, tieAtCutoff "%s"', (tieAtCutoff) => {
    const result = computeRound(tied, parseRules({ tieAtCutoff }), { rulesHash: 'h', force: true });
    collect(result);
    expect(explanationDigest(result)).toBe(RECORDED[`ties-${tieAtCutoff}`]);
  });

  it('read word for word as before in the year-end round', () => {
    const result = computeAnnualRound(year, parseRules({}), { rulesHash: 'h' });
    collect(result);
    expect(explanationDigest(result)).toBe(RECORDED.annual);
  });

  it('use every wording there is', () => {
    expect(WORDING_KEYS.filter((k) => !words.has(k))).toEqual([]);
  });
});
