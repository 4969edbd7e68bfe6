import { HashedKeyIndex } from '../../../src/imports/key-index';

describe('HashedKeyIndex', () => {
  it('tells apart keys that differ only in where the separator falls', () => {
    const index = new HashedKeyIndex();
    expect(index.add('P1\u000011', 2)).toBeNull();
    expect(index.add('P11\u00001', 3)).toBeNull();
    expect(index.add('P1\u000011', 4)).toBe(2);
  });
});
