/**
 * Notices as printable documents (issue 6): the public announcement of a round's draft lists (公示)
 * and the rectification notice (整改通知书) to each black-listed firm. HTML with an A4 print style,
 * rendered by nunjucks with autoescaping, so a firm's name is always text.
 */
import { copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import type { Hundredths } from '../domain/types';
import { fontFolder } from './render-chart';
import { chineseDate, periodLabel, scoreText, shortDate } from './labels';

export interface AnnouncementFirm {
  rank: number | null;
  name: string;
  uscc: string;
  composite: Hundredths | null;
  reason: string;
}

export interface AnnouncementData {
  roundCode: string;
  issuer: string;
  /** ISO dates. */
  issuedOn: string;
  noticeEndsOn: string | null;
  ranked: number;
  red: AnnouncementFirm[];
  black: AnnouncementFirm[];
  watch: AnnouncementFirm[];
  /** Where objections go, in words. */
  objectionsTo: string;
}

export interface RectificationNoticeData {
  roundCode: string;
  /** 通知书编号 */
  number: string;
  firmName: string;
  uscc: string;
  rank: number | null;
  ranked: number;
  composite: Hundredths | null;
  reasons: string[];
  issuedOn: string;
  deadline: string;
  reinspectBy: string;
  consecutiveBlack: number;
  issuer: string;
}

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(__dirname, 'templates')), { autoescape: true, throwOnUndefined: true });
env.addFilter('score', (h: Hundredths | null) => scoreText(h));
env.addFilter('cnDate', (iso: string) => shortDate(iso));
env.addFilter('sealDate', (iso: string) => chineseDate(iso));
env.addFilter('period', (code: string) => periodLabel(code));

export function renderAnnouncement(data: AnnouncementData): string {
  return env.render('announcement.njk', data);
}

export function renderRectificationNotice(data: RectificationNoticeData): string {
  return env.render('rectification-notice.njk', data);
}

/** The bundled CJK font the documents name, so they print in Chinese on a machine with no Chinese fonts. */
export const NOTICE_FONT_FILE = 'NotoSansHans-Regular.otf';

/** Puts the font beside the documents in `dir` (once). */
export async function copyNoticeFont(dir: string): Promise<string> {
  const target = join(dir, NOTICE_FONT_FILE);
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (!exists) await copyFile(join(fontFolder(), NOTICE_FONT_FILE), target);
  return target;
}
