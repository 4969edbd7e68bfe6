/**
 * Cell text → typed value, each with the Chinese reason a person gets when the text is wrong.
 * Numbers that decide a rank are parsed from their decimal text exactly, never through a float.
 */
import { answerToHundredths } from '../domain/answers';
import type { EventSeverity, Hundredths, ProjectKind } from '../domain/types';
import { checkUscc } from '../domain/uscc';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** Full-width digits and punctuation (typed with a Chinese IME) → ASCII. */
function ascii(text: string): string {
  return text.normalize('NFKC').trim();
}

/**
 * A decimal 0..100 with at most 2 decimals → hundredths. `label` names the field in the message.
 * Range is checked before decimals: "100.001" is out of range, "85.005" has too many decimals.
 */
export function parseScore(text: string, label = '得分'): Parsed<Hundredths> {
  const range = `${label}必须是 0–100 之间的数字`;
  const m = /^\+?(\d+)(?:\.(\d*))?$/.exec(ascii(text));
  if (!m) return bad(range);
  const integer = (m[1] as string).replace(/^0+(?=\d)/, '');
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (integer.length > 3 || Number(integer) > 100 || (integer === '100' && decimals !== '')) return bad(range);
  if (decimals.length > 2) return bad(`${label}最多两位小数`);
  return ok(Number(integer) * 100 + Number(decimals.padEnd(2, '0')));
}

/**
 * Deduction or bonus points: like a score. 0 is allowed here for the catalogue's `NONE` item
 * (检查无扣分); whether an item may have 0 points is checked against the round's catalogue.
 */
export function parsePoints(text: string, label = '扣分'): Parsed<Hundredths> {
  const score = parseScore(text, label);
  if (!score.ok) return score.message.endsWith('最多两位小数') ? score : bad(`${label}必须是 0–100 之间的数字`);
  return score;
}

/** An integer ≥ min; "1,200" (a formatted number) is accepted. */
export function parseInteger(text: string, min: 0 | 1, label: string): Parsed<number> {
  const message = min === 1 ? `${label}必须是大于 0 的整数` : `${label}必须是不小于 0 的整数`;
  let t = ascii(text);
  if (/^\d{1,3}(,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
  // "1200.0" from a spreadsheet that stored a whole number as a decimal
  const m = /^\+?(\d+)(?:\.0*)?$/.exec(t);
  if (!m) return bad(message);
  const value = Number(m[1]);
  if (!Number.isSafeInteger(value) || value < min) return bad(message);
  return ok(value);
}

export function parseUscc(text: string): Parsed<string> {
  const code = ascii(text).toUpperCase();
  if (code === '') return bad('统一社会信用代码不能为空');
  const reason = checkUscc(code);
  return reason === null ? ok(code) : bad(`统一社会信用代码 ${code} 无效：${reason}`);
}

const PROJECT_KINDS: Record<string, ProjectKind> = {
  商品房: 'commodity',
  老旧小区: 'old',
  保障性住房: 'affordable',
  commodity: 'commodity',
  old: 'old',
  affordable: 'affordable',
};

/** null when the cell is empty (the kind is not given). */
export function parseProjectKind(text: string): Parsed<ProjectKind | null> {
  const t = text.trim();
  if (t === '') return ok(null);
  const kind = PROJECT_KINDS[t] ?? PROJECT_KINDS[t.toLowerCase()];
  return kind ? ok(kind) : bad('类型只能填写 商品房、老旧小区、保障性住房（或 commodity、old、affordable）');
}

const YES = new Set(['是', 'yes', 'y', 'true', '1']);
const NO = new Set(['否', 'no', 'n', 'false', '0', '']);

/** 一票否决: 是/否, yes/no, true/false, 1/0; empty is 否. */
export function parseYesNo(text: string, label = '一票否决'): Parsed<boolean> {
  const t = ascii(text).toLowerCase();
  if (YES.has(t)) return ok(true);
  if (NO.has(t)) return ok(false);
  return bad(`${label}只能填写 是 或 否（或 yes/no、true/false、1/0）`);
}

/** 严重程度: 一般/严重 or minor/serious; empty is 一般 (minor). */
export function parseSeverity(text: string): Parsed<EventSeverity> {
  const t = text.trim().toLowerCase();
  if (t === '' || t === '一般' || t === 'minor') return ok('minor');
  if (t === '严重' || t === 'serious') return ok('serious');
  return bad('严重程度只能填写 一般 或 严重（或 minor、serious）');
}

export const DATE_FORMATS_MESSAGE = '日期无法识别：请使用 2025-03-01、2025/3/1、2025年3月1日 或 20250301 的格式';

/** A calendar date in a common Chinese-office format → ISO yyyy-mm-dd. A time of day after it is ignored. */
export function parseDate(text: string): Parsed<string> {
  const t = ascii(text);
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?$/.exec(t) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/.exec(t) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return bad(DATE_FORMATS_MESSAGE);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2100 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return bad(`日期 ${t} 不存在或超出范围`);
  }
  return ok(`${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

export function parseAnswer(text: string): Parsed<Hundredths> {
  const value = answerToHundredths(text);
  return value === null ? bad('满意度只能填写 非常满意、满意、一般、不满意、非常不满意') : ok(value);
}
