/**
 * A survey summary's mean, from the cell to the engine: as given (points, up to 15 significant
 * digits) → stored as numeric hundredths → read back exactly, with hundredths rounded half-up for display.
 */
import { meanToStoredHundredths } from '../../../src/app/import-round-data';
import { summaryMean } from '../../../src/db/round-input';
import { projectResidentScore } from '../../../src/domain/resident-score';
import { parseMean } from '../../../src/imports/values';

describe('a summary mean kept exactly', () => {
  it.each([
    ['78.6666666666667', '7866.66666666667', { mean: 7867, exactMean: '78.6666666666667' }],
    ['80', '8000', { mean: 8000 }],
    ['80.5', '8050', { mean: 8050 }],
    ['0.005', '0.5', { mean: 1, exactMean: '0.005' }],
    ['0.004', '0.4', { mean: 0, exactMean: '0.004' }],
    ['0.123456789012345', '12.3456789012345', { mean: 12, exactMean: '0.123456789012345' }],
    ['100', '10000', { mean: 10000 }],
  ])('%s is stored as %s hundredths and read back as given', (given, stored, read) => {
    const parsed = parseMean(given);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(meanToStoredHundredths(parsed.value.decimal)).toBe(stored);
    // numeric(18, 13) pads the stored text with zeros
    const [integer, fraction = ''] = stored.split('.');
    expect(summaryMean(`${integer}.${fraction.padEnd(13, '0')}`)).toEqual(read);
  });

  it('gives the engine the exact ratio, not the rounded hundredths', () => {
    const score = projectResidentScore({ form: 'summary', count: 3, ...summaryMean('7866.6666666666700') });
    expect(score?.toFraction()).toBe('786666666666667/10000000000000');
    expect(projectResidentScore({ form: 'summary', count: 3, ...summaryMean(7550) })?.toFraction()).toBe('151/2');
  });
});
