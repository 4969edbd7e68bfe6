/**
 * The bureau's registers (SPEC §7): streets, firms and projects, written by key from an import, and
 * the snapshots of open rounds that follow the projects register until the round closes (SPEC §3).
 */
import type { Knex } from 'knex';
import type { StreetRef } from './streets-repo';

export interface UpsertCounts {
  created: number;
  updated: number;
}

/** Upserts rows by key in one statement per 500 rows; counts what was new. */
async function upsert(trx: Knex.Transaction, table: string, key: string, rows: Record<string, string | number | Date | null>[]): Promise<UpsertCounts> {
  let created = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const existing = await trx(table).whereIn(key, batch.map((r) => String(r[key]))).count<{ count: string | number }[]>('* as count');
    created += batch.length - Number(existing[0]?.count ?? 0);
    await trx(table).insert(batch).onConflict(key).merge();
  }
  return { created, updated: rows.length - created };
}

export async function upsertStreets(trx: Knex.Transaction, streets: readonly { code: string; name: string; district: string | null }[]): Promise<UpsertCounts> {
  return upsert(trx, 'streets', 'code', streets.map((s) => ({ code: s.code, name: s.name, district: s.district })));
}

/** Streets a projects file named for the first time: code = name. */
export async function insertStreets(trx: Knex.Transaction, streets: readonly StreetRef[]): Promise<void> {
  if (streets.length) await trx('streets').insert(streets.map((s) => ({ code: s.code, name: s.name })));
}

export async function upsertFirms(trx: Knex.Transaction, firms: readonly { uscc: string; name: string; legalRep: string | null; phone: string | null }[], at: Date): Promise<UpsertCounts> {
  return upsert(trx, 'firms', 'uscc', firms.map((f) => ({ uscc: f.uscc, name: f.name, legal_rep: f.legalRep, phone: f.phone, updated_at: at })));
}

export interface ProjectEntry {
  code: string;
  name: string;
  streetCode: string;
  community: string | null;
  firmId: number;
  households: number;
  kind: string;
}

export async function upsertProjects(trx: Knex.Transaction, projects: readonly ProjectEntry[], at: Date): Promise<UpsertCounts> {
  return upsert(
    trx,
    'projects',
    'code',
    projects.map((p) => ({ code: p.code, name: p.name, street_code: p.streetCode, community: p.community, firm_id: p.firmId, households: p.households, kind: p.kind, updated_at: at })),
  );
}

/**
 * SPEC §3: while a half-year round is open, changes of assignment and households reach its snapshot;
 * once it is closed the snapshot is frozen. Returns the codes of the open rounds whose snapshots the
 * given projects were written into.
 */
export async function refreshOpenSnapshots(trx: Knex.Transaction, projectCodes: readonly string[]): Promise<string[]> {
  const openRounds: { id: number; code: string }[] = await trx('rounds').where({ status: 'open', kind: 'half' }).select('id', 'code');
  const codes = [...projectCodes];
  for (const round of openRounds) {
    await trx.raw(
      `insert into round_firms (round_id, firm_id, name, status)
       select distinct ?::int, f.id, f.name, f.status from projects p join firms f on f.id = p.firm_id
        where p.code = any(?::text[]) and f.status = 'active'
       on conflict (round_id, firm_id) do nothing`,
      [round.id, codes],
    );
    await trx.raw(
      `insert into round_projects (round_id, project_id, firm_id, street_code, community, households, kind)
       select ?::int, p.id, p.firm_id, p.street_code, p.community, p.households, p.kind
         from projects p join round_firms rf on rf.round_id = ?::int and rf.firm_id = p.firm_id
        where p.code = any(?::text[])
       on conflict (round_id, project_id) do update
         set firm_id = excluded.firm_id, street_code = excluded.street_code, community = excluded.community,
             households = excluded.households, kind = excluded.kind`,
      [round.id, round.id, codes],
    );
  }
  return openRounds.map((r) => r.code);
}
