/**
 * 统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015: 18 characters from a 31-character
 * alphabet (no I, O, Z, S, V), the 18th a check character over the first 17.
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character for 17 valid characters, or null when one of them is outside the alphabet. */
function checkChar(prefix17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = ALPHABET.indexOf(prefix17.charAt(i));
    if (value < 0) return null;
    sum += value * (WEIGHTS[i] as number);
  }
  const check = (31 - (sum % 31)) % 31;
  return ALPHABET.charAt(check);
}

/** null when `code` is a valid USCC; otherwise the reason in Chinese. Upper case only, as the standard writes it. */
export function checkUscc(code: string): string | null {
  if ([...code].length !== 18) return '长度不是18位';
  for (const ch of code) if (!ALPHABET.includes(ch)) return '含有非法字符';
  const expected = checkChar(code.slice(0, 17)) as string;
  if (code.charAt(17) !== expected) return `校验码错误，应为 ${expected}`;
  return null;
}

/** `prefix17` followed by its check character (for generators of demo and test data). */
export function makeUscc(prefix17: string): string {
  if (prefix17.length !== 17) throw new RangeError(`makeUscc: need 17 characters, got ${prefix17.length}`);
  const check = checkChar(prefix17);
  if (check === null) throw new RangeError(`makeUscc: characters outside GB 32100 alphabet in ${prefix17}`);
  return prefix17 + check;
}
