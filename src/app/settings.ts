/**
 * The bureau's settings: the issuing body (发文单位, e.g. 磐石市住房和城乡建设局) and the city
 * (城市名称, e.g. 磐石市). Every notice and certificate names them; a document is never produced
 * with a placeholder such as ××市: while a setting is unset, documents are refused with the command
 * that sets it. Each change is audited with the old and the new value.
 */
import type { Knex } from 'knex';
import { appendAudit } from '../db/audit';
import { lockSetting, readSettingRows, writeSetting } from '../db/settings-repo';
import { DomainError, type FieldProblem } from '../domain/errors';
import type { AppContext } from './context';

/** The keys printed on documents, edited together on the settings page and through the API. */
export const SETTING_KEYS = ['issuer', 'city'] as const;
/**
 * Every key: the document keys and `base_url`, the public address of the resident survey (扫码评价)
 * that the QR codes on the household letters point to (`<base_url>/s/<code>`).
 */
export const ALL_SETTING_KEYS = ['issuer', 'city', 'base_url'] as const;
export type SettingKey = (typeof ALL_SETTING_KEYS)[number];

export const SETTING_LABELS: Record<SettingKey, string> = { issuer: '发文单位', city: '城市名称', base_url: '问卷网址' };
export const SETTING_EXAMPLES: Record<SettingKey, string> = { issuer: '磐石市住房和城乡建设局', city: '磐石市', base_url: 'https://wuye.panshi.gov.cn' };
const MAX_LENGTH: Record<SettingKey, number> = { issuer: 40, city: 20, base_url: 200 };

export interface SettingValue {
  value: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** The document settings (what the settings page and API show and edit). */
export type Settings = Record<(typeof SETTING_KEYS)[number], SettingValue>;

/** What every document needs, both set. */
export interface DocumentSettings {
  issuer: string;
  city: string;
}

export function isSettingKey(key: string): key is SettingKey {
  return (ALL_SETTING_KEYS as readonly string[]).includes(key);
}

/** The command line that sets a key, as the messages give it. */
export function settingCommand(key: SettingKey): string {
  return `hhb settings set ${key} ${SETTING_EXAMPLES[key]}`;
}

/**
 * The survey's public address: http(s), a host, an optional path, no query, fragment or user
 * name; kept without a trailing slash so that `<base_url>/s/<code>` has exactly one.
 */
function checkBaseUrl(value: string, problem: (message: string, short: string) => DomainError): string {
  const hint = `例如 ${SETTING_EXAMPLES.base_url}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw problem(`问卷网址（base_url）「${value}」不是完整的网址：应以 http:// 或 https:// 开头，${hint}。`, '不是网址');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw problem(`问卷网址（base_url）应以 http:// 或 https:// 开头：「${value}」，${hint}。`, '不是 http(s) 网址');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || value.includes(' ')) {
    throw problem(`问卷网址（base_url）只写协议、域名和路径，不带 ?、# 、空格或用户名：「${value}」，${hint}。`, '含多余部分');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A setting's value as typed, trimmed and checked; a bad one names the field and says why. */
export function checkSettingValue(key: string, raw: unknown): { key: SettingKey; value: string } {
  if (!isSettingKey(key)) {
    throw new DomainError('INPUT_INVALID', `没有设置项「${key}」：可设置的是 issuer（发文单位）、city（城市名称）和 base_url（问卷网址）。`, [{ row: null, column: 'key', message: '未知的设置项' }]);
  }
  const label = SETTING_LABELS[key];
  const problem = (message: string, short: string): DomainError => new DomainError('INPUT_INVALID', message, [{ row: null, column: key, message: short }]);
  if (typeof raw !== 'string') throw problem(`${label}（${key}）应为文字，例如 ${SETTING_EXAMPLES[key]}。`, '不是文字');
  const value = raw.replace(/\s+/g, ' ').trim();
  if (value === '') throw problem(`${label}（${key}）不能为空，例如 ${SETTING_EXAMPLES[key]}。`, '为空');
  if ([...value].length > MAX_LENGTH[key]) throw problem(`${label}（${key}）最多 ${MAX_LENGTH[key]} 个字：「${value}」有 ${[...value].length} 个字。`, '过长');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw problem(`${label}（${key}）不能含换行或控制字符。`, '含控制字符');
  if (key === 'base_url') return { key, value: checkBaseUrl(value, problem) };
  if (/[×xXｘＸ＊*]{2}|某市/.test(value)) throw problem(`${label}（${key}）「${value}」是占位文字，请填写真实名称，例如 ${SETTING_EXAMPLES[key]}。`, '占位文字');
  if (!/[\u4e00-\u9fff]/.test(value)) throw problem(`${label}（${key}）「${value}」应为中文名称，例如 ${SETTING_EXAMPLES[key]}。`, '不是中文名称');
  return { key, value };
}

export async function readSettings(ctx: AppContext): Promise<Settings> {
  const rows = await readSettingRows(ctx.knex);
  const out = {} as Settings;
  for (const key of SETTING_KEYS) {
    const row = rows.find((r) => r.key === key);
    out[key] = row ? { value: row.value, updatedBy: row.updatedBy, updatedAt: row.updatedAt } : { value: null, updatedBy: null, updatedAt: null };
  }
  return out;
}

/** Writes one checked value in the transaction and audits it, unless it is the value already set. */
async function apply(ctx: AppContext, trx: Knex.Transaction, c: { key: SettingKey; value: string }): Promise<{ key: SettingKey; value: string; previous: string | null; changed: boolean }> {
  const previous = await lockSetting(trx, c.key);
  if (previous === c.value) return { ...c, previous, changed: false };
  await writeSetting(trx, c.key, c.value, ctx.actor, ctx.now());
  await appendAudit(trx, { actor: ctx.actor, action: 'settings.set', entity: 'setting', entityId: c.key, before: previous === null ? null : { value: previous }, after: { value: c.value } });
  return { ...c, previous, changed: true };
}

/**
 * Sets one key; audited as `settings.set` with the old and the new value. Setting the value it
 * already has changes nothing and writes no audit row.
 */
export async function setSetting(ctx: AppContext, key: string, raw: unknown): Promise<{ key: SettingKey; value: string; previous: string | null; changed: boolean }> {
  const checked = checkSettingValue(key, raw);
  return ctx.knex.transaction((trx) => apply(ctx, trx, checked));
}

/** Sets several keys at once (the admin page's form, the API): all or nothing, each change audited. */
export async function setSettings(ctx: AppContext, values: Partial<Record<string, unknown>>): Promise<{ key: SettingKey; value: string; previous: string | null; changed: boolean }[]> {
  const problems: FieldProblem[] = [];
  const messages: string[] = [];
  const checked: { key: SettingKey; value: string }[] = [];
  for (const [key, raw] of Object.entries(values)) {
    try {
      checked.push(checkSettingValue(key, raw));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      messages.push(e.message);
      problems.push(...(e.details as FieldProblem[]));
    }
  }
  if (problems.length) throw new DomainError('INPUT_INVALID', messages.join(' '), problems);
  if (checked.length === 0) throw new DomainError('INPUT_INVALID', '没有要保存的设置：请填写发文单位（issuer）或城市名称（city）。', [{ row: null, column: 'issuer', message: '为空' }]);
  return ctx.knex.transaction(async (trx) => {
    const out = [];
    for (const c of checked) out.push(await apply(ctx, trx, c));
    return out;
  });
}

/**
 * The issuer and city every document prints. Refuses (SETTINGS_MISSING) while either is unset,
 * naming the command that sets it: a notice with a made-up issuer must never reach a firm.
 */
export async function documentSettings(ctx: AppContext): Promise<DocumentSettings> {
  const s = await readSettings(ctx);
  const missing = SETTING_KEYS.filter((k) => s[k].value === null);
  if (missing.length) {
    throw new DomainError(
      'SETTINGS_MISSING',
      `尚未设置${missing.map((k) => SETTING_LABELS[k]).join('和')}，不能生成印有发文单位的通知书和证书。请管理员运行 ${missing.map((k) => settingCommand(k)).join(' 和 ')}（名称换成本地的；也可在网页“系统设置”中填写）后重试。`,
      missing.map((k) => ({ row: null, column: k, message: `未设置${SETTING_LABELS[k]}` })),
    );
  }
  return { issuer: s.issuer.value as string, city: s.city.value as string };
}

/**
 * The survey's public address for the QR codes. Refuses (SETTINGS_MISSING) while unset, naming the
 * command that sets it: a letter whose QR code leads nowhere must never be printed.
 */
export async function surveyBaseUrl(db: Knex | Knex.Transaction): Promise<string> {
  const row = (await readSettingRows(db)).find((r) => r.key === 'base_url');
  if (!row) {
    throw new DomainError('SETTINGS_MISSING', `尚未设置问卷网址，二维码无处可指。请管理员运行 ${settingCommand('base_url')}（换成居民手机能打开的本地地址）后重试。`, [
      { row: null, column: 'base_url', message: '未设置问卷网址' },
    ]);
  }
  return row.value;
}

/** The survey address as stored, with who set it and when (all null while unset). */
export async function surveyBaseUrlSetting(ctx: AppContext): Promise<SettingValue> {
  const row = (await readSettingRows(ctx.knex)).find((r) => r.key === 'base_url');
  return row ? { value: row.value, updatedBy: row.updatedBy, updatedAt: row.updatedAt } : { value: null, updatedBy: null, updatedAt: null };
}
