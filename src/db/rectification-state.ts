import type { Knex } from 'knex';
import type { RectificationState } from '../domain/types';
import { toIsoDate } from './rounds-repo';

interface Row {
  uscc: string;
  result: 'passed' | 'failed' | null;
  deadline: string | Date;
  reinspect_by: string | Date | null;
  issued_on: string | Date;
}

/**
 * Each firm's follow-up state as of `today` (SPEC §5.6–5.7): its latest rectification notice is
 * open while not re-inspected and not past its re-inspection date; unrectified when it failed or
 * is overdue (an overdue rectification counts as not passed).
 */
export async function rectificationStates(db: Knex | Knex.Transaction, usccs: string[], today: string): Promise<Record<string, RectificationState>> {
  const states: Record<string, RectificationState> = {};
  for (const uscc of usccs) states[uscc] = { open: false, unrectified: false };
  if (usccs.length === 0) return states;
  const rows: Row[] = await db
    .select('f.uscc', 'r.result', 'r.deadline', 'r.reinspect_by', 'r.issued_on')
    .from('rectifications as r')
    .join('firms as f', 'f.id', 'r.firm_id')
    .whereIn('f.uscc', usccs)
    .orderBy([{ column: 'f.uscc' }, { column: 'r.issued_on' }, { column: 'r.id' }]);
  const latest = new Map<string, Row>();
  for (const row of rows) latest.set(row.uscc, row);
  for (const [uscc, row] of latest) {
    const due = toIsoDate(row.reinspect_by ?? row.deadline) as string;
    if (row.result === 'passed') states[uscc] = { open: false, unrectified: false };
    else if (row.result === 'failed') states[uscc] = { open: false, unrectified: true };
    else states[uscc] = due < today ? { open: false, unrectified: true } : { open: true, unrectified: false };
  }
  return states;
}
