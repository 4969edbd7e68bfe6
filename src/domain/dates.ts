/**
 * Calendar arithmetic on ISO dates (no clock, no time zone).
 */
import { DomainError } from './errors';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `isoDate` plus `days` calendar days; an invalid date is refused. */
export function addDays(isoDate: string, days: number): string {
  const m = ISO_DATE.exec(isoDate);
  const date = m === null ? null : new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (m === null || date === null || date.toISOString().slice(0, 10) !== isoDate) {
    throw new DomainError('INPUT_INVALID', `日期 ${isoDate} 无效：须为 YYYY-MM-DD 格式的有效日期`, { field: 'publishedOn', value: isoDate });
  }
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
