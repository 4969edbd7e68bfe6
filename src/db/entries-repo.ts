/**
 * A round's entries (SPEC §4): street scores, regulator scores, survey summaries, complaints,
 * deduction sheets and events, and the round's snapshot the checks of an entry read. A correction
 * supersedes the current entry, which is kept (superseded_at / superseded_by).
 */
import type { Knex } from 'knex';
import type { Hundredths } from '../domain/types';

type Db = Knex | Knex.Transaction;

/** The round's snapshot, as the checks of an import or an entry need it. */
export interface RoundScope {
  projects: Map<string, { id: number; street: string; firmUscc: string; firmId: number; households: number }>;
  firms: Map<string, number>;
}

export async function loadRoundScope(db: Db, roundId: number): Promise<RoundScope> {
  const projects: RoundScope['projects'] = new Map();
  // Both at once (a province round has 100,000 projects).
  const [rows, firmRows] = await Promise.all([
    db('round_projects as rp')
      .join('projects as p', 'p.id', 'rp.project_id')
      .join('firms as f', 'f.id', 'rp.firm_id')
      .where('rp.round_id', roundId)
      .select('p.id', 'p.code', 'rp.street_code', 'f.uscc', 'rp.firm_id', 'rp.households') as Promise<
      { id: number | string; code: string; street_code: string; uscc: string; firm_id: number | string; households: number | string }[]
    >,
    db('round_firms as rf').join('firms as f', 'f.id', 'rf.firm_id').where('rf.round_id', roundId).select('f.id', 'f.uscc') as Promise<{ id: number | string; uscc: string }[]>,
  ]);
  for (const r of rows) {
    projects.set(r.code, { id: Number(r.id), street: r.street_code, firmUscc: r.uscc, firmId: Number(r.firm_id), households: Number(r.households) });
  }
  return { projects, firms: new Map(firmRows.map((r) => [r.uscc, Number(r.id)])) };
}

/** Who entered an entry of which round, and when. */
export interface EntryMeta {
  roundId: number;
  enteredBy: string;
  enteredAt: Date;
}

type EntryRow = Record<string, string | number | Date | null>;

const metaColumns = (m: EntryMeta) => ({ round_id: m.roundId, entered_by: m.enteredBy, entered_at: m.enteredAt });

/**
 * Marks the current entries with the given keys superseded, inserts the new ones, and links each old
 * entry to its successor. Returns how many were replaced.
 *
 * Keys are matched through `unnest` of one array per key column, 5,000 rows a statement, and the
 * successor links are set in one statement per batch: the province benchmark took 27 s for 100,000
 * street scores with a 500-term row-value IN list per batch (38 ms to plan each) and one UPDATE per
 * replaced row.
 */
async function supersedeAndInsert(trx: Knex.Transaction, table: string, keyColumns: string[], rows: EntryRow[], at: Date): Promise<number> {
  let replaced = 0;
  const keyOf = (r: Record<string, unknown>) => keyColumns.map((k) => String(r[k] ?? '')).join('\u0000');
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000);
    const types = keyColumns.map((k) => (batch.every((r) => typeof r[k] === 'number') ? 'int' : 'text'));
    const columns = keyColumns.map((k) => `"${k}"`).join(', ');
    const old: Record<string, unknown>[] = await trx(table)
      .whereNull('superseded_at')
      .whereRaw(`(${columns}) in (select * from unnest(${types.map((t) => `?::${t}[]`).join(', ')}))`, keyColumns.map((k, j) => batch.map((r) => (types[j] === 'int' ? r[k] : String(r[k])))) as unknown as readonly Knex.RawBinding[])
      .update({ superseded_at: at })
      .returning(['id', ...keyColumns]);
    replaced += old.length;
    const inserted: Record<string, unknown>[] = await trx(table).insert(batch).returning(['id', ...keyColumns]);
    if (old.length) {
      const newId = new Map(inserted.map((r) => [keyOf(r), Number(r.id)]));
      const pairs = old.map((o) => [Number(o.id), newId.get(keyOf(o)) ?? null] as const);
      await trx.raw(`update ?? t set superseded_by = l.new_id from unnest(?::bigint[], ?::bigint[]) as l(old_id, new_id) where t.id = l.old_id`, [
        table,
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ] as unknown as readonly Knex.RawBinding[]);
    }
  }
  return replaced;
}

/** Street scores (hundredths) per project; returns how many current ones were replaced. */
export async function replaceStreetScores(trx: Knex.Transaction, meta: EntryMeta, entries: readonly { projectId: number; score: Hundredths; note: string | null }[]): Promise<number> {
  return supersedeAndInsert(trx, 'street_scores', ['round_id', 'project_id'], entries.map((e) => ({ ...metaColumns(meta), project_id: e.projectId, score: e.score, note: e.note })), meta.enteredAt);
}

/** Regulator scores (hundredths) per firm and department; returns how many current ones were replaced. */
export async function replaceRegulatorScores(
  trx: Knex.Transaction,
  meta: EntryMeta,
  entries: readonly { firmId: number; department: string; score: Hundredths; note?: string | null }[],
): Promise<number> {
  return supersedeAndInsert(
    trx,
    'regulator_scores',
    ['round_id', 'firm_id', 'department'],
    entries.map((e) => ({ ...metaColumns(meta), firm_id: e.firmId, department: e.department, score: e.score, ...(e.note === undefined ? {} : { note: e.note }) })),
    meta.enteredAt,
  );
}

/** Survey summaries per project: responses and the mean in hundredths as an exact decimal string. */
export async function replaceSurveySummaries(trx: Knex.Transaction, meta: EntryMeta, entries: readonly { projectId: number; responses: number; mean: string }[]): Promise<number> {
  return supersedeAndInsert(trx, 'survey_summaries', ['round_id', 'project_id'], entries.map((e) => ({ ...metaColumns(meta), project_id: e.projectId, responses: e.responses, mean: e.mean })), meta.enteredAt);
}

export async function replaceComplaints(trx: Knex.Transaction, meta: EntryMeta, entries: readonly { projectId: number; count: number }[]): Promise<number> {
  return supersedeAndInsert(trx, 'complaints', ['round_id', 'project_id'], entries.map((e) => ({ ...metaColumns(meta), project_id: e.projectId, count: e.count })), meta.enteredAt);
}

/** Replaces the deduction sheets of the firms the rows name, each as a whole; returns how many old rows were superseded. */
export async function replaceDeductionSheets(
  trx: Knex.Transaction,
  meta: EntryMeta,
  rows: readonly { firmId: number; projectId: number | null; item: string; points: Hundredths; note: string | null }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const firmIds = [...new Set(rows.map((r) => r.firmId))];
  const old = await trx('deductions').where({ round_id: meta.roundId }).whereIn('firm_id', firmIds).whereNull('superseded_at').update({ superseded_at: meta.enteredAt }).returning('id');
  await trx('deductions').insert(rows.map((r) => ({ ...metaColumns(meta), firm_id: r.firmId, project_id: r.projectId, item: r.item, points: r.points, note: r.note })));
  return old.length;
}

export interface EventEntry {
  firmId: number;
  projectId: number | null;
  occurredOn: string;
  type: string;
  veto: boolean;
  severity: string | null;
  note: string | null;
}

export async function insertEvents(trx: Knex.Transaction, meta: EntryMeta, events: readonly EventEntry[]): Promise<void> {
  if (events.length === 0) return;
  await trx('events').insert(
    events.map((e) => ({ ...metaColumns(meta), firm_id: e.firmId, project_id: e.projectId, occurred_on: e.occurredOn, type: e.type, veto: e.veto, severity: e.severity, note: e.note })),
  );
}

export interface StreetProjectRecord {
  code: string;
  name: string;
  street: string;
  streetName: string;
  community: string | null;
  firmName: string;
  households: number;
  /** Current street score in hundredths; null when not entered yet. */
  score: Hundredths | null;
  note: string | null;
  enteredBy: string | null;
  enteredAt: Date | null;
}

/** A round's projects (of one street, or all) with their current street scores, by project code. */
export async function streetProjectScores(db: Db, roundId: number, street?: string | null): Promise<StreetProjectRecord[]> {
  const q = db('round_projects as rp')
    .join('projects as p', 'p.id', 'rp.project_id')
    .join('streets as s', 's.code', 'rp.street_code')
    .join('round_firms as rf', function firm() {
      this.on('rf.round_id', '=', 'rp.round_id').andOn('rf.firm_id', '=', 'rp.firm_id');
    })
    .leftJoin('street_scores as ss', function current() {
      this.on('ss.round_id', '=', 'rp.round_id').andOn('ss.project_id', '=', 'rp.project_id').andOnNull('ss.superseded_at');
    })
    .where('rp.round_id', roundId)
    .select('p.code', 'p.name', 'rp.street_code', 's.name as street_name', 'rp.community', 'rf.name as firm_name', 'rp.households', 'ss.score', 'ss.note', 'ss.entered_by', 'ss.entered_at')
    .orderBy('p.code');
  if (street) q.where('rp.street_code', street);
  const rows: {
    code: string;
    name: string;
    street_code: string;
    street_name: string;
    community: string | null;
    firm_name: string;
    households: number | string;
    score: number | string | null;
    note: string | null;
    entered_by: string | null;
    entered_at: Date | null;
  }[] = await q;
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    street: r.street_code,
    streetName: r.street_name,
    community: r.community ?? null,
    firmName: r.firm_name,
    households: Number(r.households),
    score: r.score === null || r.score === undefined ? null : Number(r.score),
    note: r.note ?? null,
    enteredBy: r.entered_by ?? null,
    enteredAt: r.entered_at ?? null,
  }));
}

/** A round's projects (of one street, or all) by code, with their names: what an entry template lists. */
export async function roundProjectNames(db: Db, roundId: number, streetCode?: string): Promise<{ code: string; name: string }[]> {
  const q = db('round_projects as rp').join('projects as p', 'p.id', 'rp.project_id').where('rp.round_id', roundId).select('p.code', 'p.name').orderBy('p.code');
  if (streetCode) q.where('rp.street_code', streetCode);
  return q;
}

/** A round's firms by USCC, with their names in the snapshot. */
export async function roundFirmNames(db: Db, roundId: number): Promise<{ uscc: string; name: string }[]> {
  return db('round_firms as rf').join('firms as f', 'f.id', 'rf.firm_id').where('rf.round_id', roundId).select('f.uscc', 'rf.name').orderBy('f.uscc');
}

/** The tables a computation reads, analyzed when a round closes so the planner knows their sizes. */
const ROUND_INPUT_TABLES = ['round_firms', 'round_projects', 'projects', 'firms', 'street_scores', 'regulator_scores', 'survey_summaries', 'survey_responses', 'complaints', 'deductions', 'events'];

export async function analyzeRoundInput(trx: Knex.Transaction): Promise<void> {
  await trx.raw(`analyze ${ROUND_INPUT_TABLES.join(', ')}`);
}
