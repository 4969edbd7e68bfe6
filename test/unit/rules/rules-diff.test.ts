import { parseRules } from '../../../src/rules';
import { ruleValueText, rulesDifferences } from '../../../src/rules/rules-diff';

describe('rulesDifferences', () => {
  const defaults = parseRules({});

  it('names each changed key by its path, before and after, in key order', () => {
    const other = parseRules({ weights: { resident: 4, regulator: 3, street: 3 }, red: { minComposite: 90 }, tieAtCutoff: 'include' });
    expect(rulesDifferences(defaults, other)).toEqual([
      { path: 'red.minComposite', before: 85, after: 90 },
      { path: 'tieAtCutoff', before: 'exclude', after: 'include' },
      { path: 'weights.resident', before: 5, after: 4 },
      { path: 'weights.street', before: 2, after: 3 },
    ]);
  });

  it('finds no difference between a default left out and the same default written', () => {
    expect(rulesDifferences(defaults, parseRules({ weights: { resident: 5, regulator: 3, street: 2 }, missingSource: 'block' }))).toEqual([]);
  });

  it('compares lists of the same length item by item, and a list of another length whole', () => {
    const bands = defaults.survey.bands;
    const one = parseRules({ survey: { bands: bands.map((b, i) => (i === 0 ? { ...b, margin: 0.06 } : b)) } });
    expect(rulesDifferences(defaults, one)).toEqual([{ path: 'survey.bands[0].margin', before: bands[0]?.margin, after: 0.06 }]);
    const shorter = parseRules({ survey: { bands: [{ belowHouseholds: null, margin: 0.05 }] } });
    expect(rulesDifferences(defaults, shorter)).toEqual([{ path: 'survey.bands', before: bands, after: [{ belowHouseholds: null, margin: 0.05 }] }]);
  });

  it('writes a value as JSON, and a missing one as （无）', () => {
    expect(ruleValueText(85)).toBe('85');
    expect(ruleValueText('exclude')).toBe('"exclude"');
    expect(ruleValueText(undefined)).toBe('（无）');
  });
});
