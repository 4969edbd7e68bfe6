/**
 * The duplicate-household index on a large import: 300,000 keys with repeats, through several
 * resizes, against an exact Map. Slow, so it runs in the integration project (jest.config.js).
 */
import { ExactKeyIndex, HashedKeyIndex } from '../../../src/imports/key-index';

describe('HashedKeyIndex on a large import', () => {
  it('agrees with an exact Map over 300,000 keys with repeats, through several resizes', () => {
    const hashed = new HashedKeyIndex(16);
    const exact = new ExactKeyIndex();
    let disagreements = 0;
    let repeats = 0;
    for (let row = 2; row < 300_002; row += 1) {
      // every 7th row repeats a household seen earlier in the same project
      const i = row % 7 === 0 ? row - 3_000 : row;
      const key = `P${i % 400}\u0000${Math.floor(i / 400)}-${i % 13}0${i % 3}`;
      const a = hashed.add(key, row);
      const b = exact.add(key, row);
      if (a !== b) disagreements += 1;
      if (b !== null) repeats += 1;
    }
    expect(disagreements).toBe(0);
    expect(repeats).toBeGreaterThan(40_000);
    expect(hashed.size).toBe(exact.size);
  });
});
