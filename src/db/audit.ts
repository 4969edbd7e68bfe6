/**
 * The append-only, hash-chained audit log (SPEC §2).
 *
 * The chain is built by the database: a BEFORE INSERT trigger takes a transaction-scoped advisory
 * lock, assigns the id after the lock (so ids follow commit order of the chain), reads the last
 * hash and sets `prev_hash` and `hash` = sha256 of the canonical JSON array
 * `[prev_hash, id, at, actor, action, entity, entity_id, before::text, after::text, reason]`.
 * Because the lock is held until commit, audit inside a long transaction (an import) as late as
 * possible. UPDATE, DELETE and TRUNCATE of audit_log fail (trigger).
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditRecord {
  id: number;
  hash: string;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Appends one audit row in the caller's transaction; the chain is computed by the database. */
export async function appendAudit(trx: Knex | Knex.Transaction, entry: AuditEntry): Promise<AuditRecord> {
  const rows = (await trx('audit_log')
    .insert({
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      before: json(entry.before),
      after: json(entry.after),
      reason: entry.reason ?? null,
      hash: '',
    })
    .returning(['id', 'hash'])) as { id: number | string; hash: string }[];
  const row = rows[0];
  if (!row) throw new Error('audit_log insert returned no row');
  return { id: Number(row.id), hash: row.hash };
}

export type AuditVerification = { ok: true; rows: number } | { ok: false; brokenAt: number; rows: number };

interface CanonicalRow {
  id: string | number;
  at_text: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before_text: string | null;
  after_text: string | null;
  reason: string | null;
  prev_hash: string | null;
  hash: string;
}

/** The same canonical text as hhb_audit_canonical() in the migration (JSON array of strings or null). */
function canonical(prevHash: string | null, row: CanonicalRow): string {
  return JSON.stringify([prevHash, String(row.id), row.at_text, row.actor, row.action, row.entity, row.entity_id, row.before_text, row.after_text, row.reason]);
}

const PAGE = 1000;

/**
 * Recomputes the chain in code, a page at a time (bounded memory). The first row whose stored
 * prev_hash or hash disagrees with the recomputation is `brokenAt`; `rows` counts the rows checked.
 */
export async function verifyAudit(knex: Knex | Knex.Transaction): Promise<AuditVerification> {
  let prev: string | null = null;
  let lastId = -1;
  let rows = 0;
  for (;;) {
    const page: CanonicalRow[] = (
      await knex.raw(
        `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text, actor, action, entity, entity_id,
                before::text as before_text, after::text as after_text, reason, prev_hash, hash
           from audit_log where id > ? order by id limit ?`,
        [lastId, PAGE],
      )
    ).rows;
    for (const row of page) {
      rows += 1;
      const expected: string = createHash('sha256').update(canonical(prev, row), 'utf8').digest('hex');
      if (row.prev_hash !== prev || row.hash !== expected) return { ok: false, brokenAt: Number(row.id), rows };
      prev = row.hash;
      lastId = Number(row.id);
    }
    if (page.length < PAGE) return { ok: true, rows };
  }
}

/** One audit row as read back (newest first in `auditRecords`). */
export interface AuditLogRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

interface AuditLogRow {
  id: number | string;
  at: Date | string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

const parsed = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/** The newest audit records first; `entityIdPrefix` keeps those whose entity id starts with it (a round code). */
export async function auditRecords(db: Knex | Knex.Transaction, opts: { limit: number; entityIdPrefix?: string | undefined }): Promise<AuditLogRecord[]> {
  const q = db('audit_log').orderBy('id', 'desc').limit(opts.limit);
  if (opts.entityIdPrefix) q.where('entity_id', 'like', `${opts.entityIdPrefix}%`);
  const rows: AuditLogRow[] = await q;
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id ?? null,
    before: parsed(r.before),
    after: parsed(r.after),
    reason: r.reason ?? null,
  }));
}
