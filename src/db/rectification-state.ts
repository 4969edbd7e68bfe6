import type { Knex } from 'knex';
import { rectificationState, rectificationStatus } from '../domain/rectification-status';
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
 * Each firm's follow-up state as of `today` (SPEC §5.6–5.7): that of its latest rectification notice,
 * by the rule of src/domain/rectification-status.ts (open, or unrectified when failed or overdue).
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
    states[uscc] = rectificationState(rectificationStatus({ result: row.result, deadline: toIsoDate(row.deadline) as string, reinspectBy: toIsoDate(row.reinspect_by) }, today));
  }
  return states;
}
