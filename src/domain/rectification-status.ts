/**
 * Where a rectification notice stands on a given day (SPEC §5.6, §5.7, §5.9): passed or failed once
 * re-inspected; otherwise open until its re-inspection date (its deadline when it has none) and
 * overdue after it. An overdue rectification counts as not passed.
 */
import type { RectificationState } from './types';

export type RectificationStatus = 'open' | 'overdue' | 'passed' | 'failed';

export interface RectificationDates {
  result: 'passed' | 'failed' | null;
  /** ISO date. */
  deadline: string;
  /** ISO date; null falls back to the deadline. */
  reinspectBy: string | null;
}

/** The status on `today` (ISO date): overdue only once the day after the due date has begun. */
export function rectificationStatus(r: RectificationDates, today: string): RectificationStatus {
  if (r.result !== null) return r.result;
  return (r.reinspectBy ?? r.deadline) < today ? 'overdue' : 'open';
}

/** What the engine reads of a firm's latest rectification: still open, or not rectified (failed or overdue). */
export function rectificationState(status: RectificationStatus | null): RectificationState {
  return { open: status === 'open', unrectified: status === 'failed' || status === 'overdue' };
}
