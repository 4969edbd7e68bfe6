import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import type { RoundKind, RoundStatus } from '../domain/types';

/** A round as stored (rules still as the stored JSON; the app parses them). */
export interface RoundRecord {
  id: number;
  code: string;
  kind: RoundKind;
  status: RoundStatus;
  rules: unknown;
  rulesHash: string;
  noticeEndsOn: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  computedAt: Date | null;
  publicizedAt: Date | null;
  publishedAt: Date | null;
  createdAt: Date;
}

interface RoundRow {
  id: number;
  code: string;
  kind: RoundKind;
  status: RoundStatus;
  rules: unknown;
  rules_hash: string;
  notice_ends_on: string | Date | null;
  opened_at: Date | null;
  closed_at: Date | null;
  computed_at: Date | null;
  publicized_at: Date | null;
  published_at: Date | null;
  created_at: Date;
}

/** A `date` column as yyyy-mm-dd whether the driver returns a string or a Date. */
export function toIsoDate(value: string | Date | null): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  const local = new Date(value.getTime() - value.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

function toRecord(row: RoundRow): RoundRecord {
  return {
    id: Number(row.id),
    code: row.code,
    kind: row.kind,
    status: row.status,
    rules: typeof row.rules === 'string' ? JSON.parse(row.rules) : row.rules,
    rulesHash: row.rules_hash,
    noticeEndsOn: toIsoDate(row.notice_ends_on),
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    computedAt: row.computed_at,
    publicizedAt: row.publicized_at,
    publishedAt: row.published_at,
    createdAt: row.created_at,
  };
}

export async function findRound(db: Knex | Knex.Transaction, code: string, { forUpdate = false } = {}): Promise<RoundRecord | null> {
  let q = db<RoundRow>('rounds').where({ code }).first();
  if (forUpdate) q = q.forUpdate();
  const row = await q;
  return row ? toRecord(row) : null;
}

export async function getRound(db: Knex | Knex.Transaction, code: string, opts: { forUpdate?: boolean } = {}): Promise<RoundRecord> {
  const round = await findRound(db, code, opts);
  if (!round) throw new DomainError('ROUND_NOT_FOUND', `评价周期 ${code} 不存在。用 hhb rounds list 查看已有的评价周期。`);
  return round;
}

export async function listRoundRecords(db: Knex): Promise<RoundRecord[]> {
  const rows = await db<RoundRow>('rounds').orderBy('code');
  return rows.map(toRecord);
}

export async function insertRound(
  trx: Knex.Transaction,
  round: { code: string; kind: RoundKind; rules: unknown; rulesHash: string; createdBy: string; at: Date },
): Promise<RoundRecord> {
  const [row] = await trx<RoundRow>('rounds')
    .insert({
      code: round.code,
      kind: round.kind,
      status: 'draft',
      rules: JSON.stringify(round.rules),
      rules_hash: round.rulesHash,
      created_by: round.createdBy,
      created_at: round.at,
    } as never)
    .returning('*');
  return toRecord(row as RoundRow);
}

const TIMESTAMP_OF: Partial<Record<RoundStatus, keyof RoundRow>> = {
  open: 'opened_at',
  closed: 'closed_at',
  computed: 'computed_at',
  publicized: 'publicized_at',
  published: 'published_at',
};

/** Moves a round to `to`; the caller has checked the transition and holds the row lock. */
export async function setRoundStatus(
  trx: Knex.Transaction,
  id: number,
  to: RoundStatus,
  at: Date,
  extra: { noticeEndsOn?: string | null } = {},
): Promise<void> {
  const patch: Record<string, unknown> = { status: to };
  const column = TIMESTAMP_OF[to];
  if (column) patch[column] = at;
  if (extra.noticeEndsOn !== undefined) patch.notice_ends_on = extra.noticeEndsOn;
  await trx('rounds').where({ id }).update(patch);
}

/**
 * Snapshot of SPEC §3: the active firms and their projects' assignment and households as they are
 * when the round opens. Re-opening a round keeps the snapshot it has.
 */
export async function snapshotRound(trx: Knex.Transaction, roundId: number): Promise<{ firms: number; projects: number }> {
  const existing = await trx('round_firms').where({ round_id: roundId }).count<{ count: string | number }[]>('* as count');
  if (Number(existing[0]?.count ?? 0) > 0) {
    const projects = await trx('round_projects').where({ round_id: roundId }).count<{ count: string | number }[]>('* as count');
    return { firms: Number(existing[0]?.count ?? 0), projects: Number(projects[0]?.count ?? 0) };
  }
  await trx.raw(
    `insert into round_firms (round_id, firm_id, name, status)
     select ?, id, name, status from firms where status = 'active'`,
    [roundId],
  );
  await trx.raw(
    `insert into round_projects (round_id, project_id, firm_id, street_code, community, households, kind)
     select ?, p.id, p.firm_id, p.street_code, p.community, p.households, p.kind
       from projects p join round_firms rf on rf.firm_id = p.firm_id and rf.round_id = ?`,
    [roundId, roundId],
  );
  const [f] = await trx('round_firms').where({ round_id: roundId }).count<{ count: string | number }[]>('* as count');
  const [p] = await trx('round_projects').where({ round_id: roundId }).count<{ count: string | number }[]>('* as count');
  return { firms: Number(f?.count ?? 0), projects: Number(p?.count ?? 0) };
}
