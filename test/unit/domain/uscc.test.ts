import { checkUscc, makeUscc } from '../../../src/domain/uscc';

describe('checkUscc', () => {
  it.each([
    ['91350100M000100Y43'], // GB 32100-2015 sample
    ['91440300708461136T'],
    ['914403001922038216'],
    ['91110000600037341L'],
  ])('accepts the published code %s', (code) => {
    expect(checkUscc(code)).toBeNull();
  });

  it.each([
    ['91350100M000100Y4', '长度不是18位'],
    ['91350100M000100Y433', '长度不是18位'],
    ['', '长度不是18位'],
    ['91350100M000100I43', '含有非法字符'], // I is not in the alphabet
    ['91350100m000100Y43', '含有非法字符'], // lower case
    ['91350100M000100Y4 ', '含有非法字符'],
    ['9135010０M000100Y43', '含有非法字符'], // a full-width zero
    ['91350100M000100Y42', '校验码错误，应为 3'],
    ['91440300708461136A', '校验码错误，应为 T'],
    ['914403001922038217', '校验码错误，应为 6'],
  ])('rejects %s: %s', (code, reason) => {
    expect(checkUscc(code)).toBe(reason);
  });

  it('computes a check character of 0 where 31 − (Σ mod 31) is 31', () => {
    // find a prefix whose weighted sum is a multiple of 31 by varying the last character
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const codes = [...alphabet].map((c) => makeUscc(`9122028400000000${c}`));
    expect(codes.filter((c) => c.endsWith('0'))).toHaveLength(1);
    for (const c of codes) expect(checkUscc(c)).toBeNull();
  });
});

describe('makeUscc', () => {
  it('appends the check character of the standard sample', () => {
    expect(makeUscc('91350100M000100Y4')).toBe('91350100M000100Y43');
    expect(makeUscc('91440300708461136')).toBe('91440300708461136T');
  });

  it('refuses a prefix of the wrong length or with characters outside the alphabet', () => {
    expect(() => makeUscc('9135')).toThrow(RangeError);
    expect(() => makeUscc('91350100O000100Y4')).toThrow(RangeError);
  });
});
