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

/** How a value read from a cell is quoted in a message: the text itself, or that the cell is empty. */
export function quoted(text: string): string {
  const t = text.trim();
  return t === '' ? '单元格为空' : `读到的是「${t.length > 40 ? `${t.slice(0, 40)}…` : t}」`;
}

/**
 * A cell shown as a percentage: "85%" typed in CSV or in LibreOffice, or 0.85 with a percent number
 * format, which the XLSX reader surfaces as its displayed text "85%". A score is never read as 0.85.
 */
export function percentProblem(text: string, label: string): string | null {
  const m = /^([+-]?[\d.,]+(?:[eE][+-]?\d+)?)\s*[%％]$/.exec(ascii(text));
  if (!m) return null;
  const number = m[1] as string;
  return `${label} ${number}% 是百分比格式：请填写 ${number}（不带 %），并把单元格格式设为「常规」或「数值」`;
}

/**
 * A decimal 0..100 with at most `places` decimals (2 for a score) → the decimal text, or a message
 * naming the value read. Range is checked before decimals: "100.001" is out of range, "85.005" has
 * too many decimals.
 */
function parseDecimal(text: string, label: string, places: number): Parsed<{ integer: string; decimals: string }> {
  const percent = percentProblem(text, label);
  if (percent !== null) return bad(percent);
  const range = `${label}必须是 0–100 之间的数字，${quoted(text)}`;
  const m = /^\+?(\d+)(?:\.(\d*))?$/.exec(ascii(text));
  if (!m) return bad(range);
  const integer = (m[1] as string).replace(/^0+(?=\d)/, '');
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (integer.length > 3 || Number(integer) > 100 || (integer === '100' && decimals !== '')) return bad(range);
  if (decimals.length > places) {
    return bad(places === 2 ? `${label}最多两位小数，${quoted(text)}` : `${label}最多 ${places} 位小数，${quoted(text)}`);
  }
  return ok({ integer, decimals });
}

/** Plain digits with at most 2 decimals, nothing around them: most of the millions of survey scores. */
const PLAIN_SCORE = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/** A decimal 0..100 with at most 2 decimals → hundredths. `label` names the field in the message. */
export function parseScore(text: string, label = '得分'): Parsed<Hundredths> {
  // Plain ASCII digits read the same without the width folding, trimming and percent check below;
  // anything else, or a value out of range, takes the full reading and its message.
  const plain = PLAIN_SCORE.exec(text);
  if (plain) {
    const decimals = plain[2] ?? '';
    const hundredths = Number(plain[1]) * 100 + (decimals === '' ? 0 : decimals.length === 1 ? Number(decimals) * 10 : Number(decimals));
    if (hundredths <= 10000) return ok(hundredths);
  }
  const d = parseDecimal(text, label, 2);
  if (!d.ok) return d;
  return ok(Number(d.value.integer) * 100 + Number(d.value.decimals.padEnd(2, '0')));
}

/** A survey summary's mean: exactly as given (up to 15 significant digits), and rounded to hundredths. */
export interface ExactMean {
  /** Rounded half-up to hundredths (for display). */
  hundredths: Hundredths;
  /** The mean as given, a plain decimal in points ("78.6666666666667"); no trailing zeros. */
  decimal: string;
}

/**
 * A survey contractor's mean, 0..100: a spreadsheet's AVERAGE gives 78.6666666666667 (15 significant
 * digits), which is used exactly as given, never rounded before the firm's mean is taken.
 */
export function parseMean(text: string, label = '平均分'): Parsed<ExactMean> {
  const d = parseDecimal(text, label, 15);
  if (!d.ok) return d;
  const { integer, decimals } = d.value;
  const significant = `${integer}${decimals}`.replace(/^0+/, '').length;
  if (significant > 15) return bad(`${label}最多 15 位有效数字，${quoted(text)}`);
  const scaled = BigInt(`${integer}${decimals}`) * 100n;
  const denominator = 10n ** BigInt(decimals.length);
  // half-up to hundredths
  const hundredths = Number((scaled * 2n + denominator) / (denominator * 2n));
  return ok({ hundredths, decimal: decimals === '' ? integer : `${integer}.${decimals}` });
}

/**
 * Deduction or bonus points: like a score. 0 is allowed here for the catalogue's `NONE` item
 * (检查无扣分); whether an item may have 0 points is checked against the round's catalogue.
 */
export function parsePoints(text: string, label = '扣分'): Parsed<Hundredths> {
  return parseScore(text, label);
}

/** An integer ≥ min; "1,200" (a formatted number) is accepted. */
export function parseInteger(text: string, min: 0 | 1, label: string): Parsed<number> {
  const message = min === 1 ? `${label}必须是大于 0 的整数` : `${label}必须是不小于 0 的整数`;
  const percent = percentProblem(text, label);
  if (percent !== null) return bad(percent);
  let t = ascii(text);
  if (/^\d{1,3}(,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
  // "1200.0" from a spreadsheet that stored a whole number as a decimal
  const m = /^\+?(\d+)(?:\.0*)?$/.exec(t);
  if (!m) return bad(`${message}，${quoted(text)}`);
  const value = Number(m[1]);
  if (!Number.isSafeInteger(value) || value < min) return bad(`${message}，${quoted(text)}`);
  return ok(value);
}

/**
 * Excel keeps 15 significant digits of a number: a USCC typed into a cell that is not text becomes
 * 9.13301E+17 or 913301000070001000 (its last digits lost). Following the check character's advice
 * would then give another firm's code, so this says what happened instead.
 */
export const USCC_AS_NUMBER_HELP = '请把该列单元格格式设为「文本」后重新输入，或在代码前加英文单引号 \'（如 \'91330100MA2XXXXXX0）';

function looksLikeExcelNumber(code: string): boolean {
  return /^\d+(\.\d+)?E\+?\d+$/.test(code) || /^\d+\.0+$/.test(code) || /^\d{16,20}$/.test(code);
}

export function parseUscc(text: string): Parsed<string> {
  // a leading apostrophe keeps a cell as text in Excel; typed into a CSV it arrives as is
  const code = ascii(text).replace(/^['‘’]/, '').toUpperCase();
  if (code === '') return bad('统一社会信用代码不能为空');
  const reason = checkUscc(code);
  if (reason === null) return ok(code);
  if (looksLikeExcelNumber(code)) {
    return bad(`统一社会信用代码 ${code} 像是被 Excel 转成了数字（Excel 只保留 15 位有效数字，末尾几位已改变）：${USCC_AS_NUMBER_HELP}`);
  }
  return bad(`统一社会信用代码 ${code} 无效：${reason}`);
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
  if (!m) {
    // a date cell whose format was lost shows Excel's day number (45731 is 2025-03-15)
    const serial = /^\d{5}(?:\.\d+)?$/.test(t) ? Number(t) : NaN;
    if (serial >= 36526 && serial <= 73050) {
      const iso = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
      return bad(`日期 ${t} 是 Excel 的日期序号（即 ${iso}），单元格不是日期格式：请把该列设为「日期」格式，或直接填写 ${iso}`);
    }
    return bad(DATE_FORMATS_MESSAGE);
  }
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
