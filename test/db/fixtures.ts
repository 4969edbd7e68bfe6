/** Builders that put a small city into a test database through plain SQL (no application code). */
import type { Knex } from 'knex';

let counter = 0;
const next = (): number => ++counter;

export const RULES_HASH = 'a'.repeat(64);

export async function aStreet(db: Knex | Knex.Transaction, over: { code?: string; name?: string } = {}): Promise<string> {
  const n = next();
  const code = over.code ?? `S${n}`;
  await db('streets').insert({ code, name: over.name ?? `街道${n}` });
  return code;
}

export async function aFirm(
  db: Knex | Knex.Transaction,
  over: { uscc?: string; name?: string; status?: string } = {},
): Promise<{ id: number; uscc: string; name: string }> {
  const n = next();
  const uscc = over.uscc ?? `91220000MA${String(n).padStart(8, '0')}`;
  const name = over.name ?? `物业公司${n}`;
  const [row] = (await db('firms').insert({ uscc, name, status: over.status ?? 'active' }).returning('id')) as { id: number }[];
  return { id: Number(row?.id), uscc, name };
}

export async function aProject(
  db: Knex | Knex.Transaction,
  over: { firmId: number; street: string; households?: number; code?: string; name?: string; kind?: string; community?: string | null },
): Promise<{ id: number; code: string }> {
  const n = next();
  const code = over.code ?? `P${n}`;
  const [row] = (await db('projects')
    .insert({
      code,
      name: over.name ?? `小区${n}`,
      street_code: over.street,
      community: over.community ?? null,
      firm_id: over.firmId,
      households: over.households ?? 100,
      kind: over.kind ?? 'commodity',
    })
    .returning('id')) as { id: number }[];
  return { id: Number(row?.id), code };
}

/** A round in `draft`; `open()` snapshots the active firms and their projects. */
export async function aRound(db: Knex | Knex.Transaction, over: { code?: string } = {}): Promise<{ id: number; code: string }> {
  const n = next();
  const code = over.code ?? `${2000 + (n % 999)}-H1`;
  const [row] = (await db('rounds')
    .insert({ code, kind: code.endsWith('-Y') ? 'annual' : 'half', rules: JSON.stringify({}), rules_hash: RULES_HASH, created_by: 'test' })
    .returning('id')) as { id: number }[];
  return { id: Number(row?.id), code };
}

export async function openRound(db: Knex | Knex.Transaction, roundId: number): Promise<void> {
  await db.raw(`insert into round_firms (round_id, firm_id, name, status) select ?, id, name, status from firms where status = 'active'`, [roundId]);
  await db.raw(
    `insert into round_projects (round_id, project_id, firm_id, street_code, community, households, kind)
     select ?, p.id, p.firm_id, p.street_code, p.community, p.households, p.kind from projects p join firms f on f.id = p.firm_id where f.status = 'active'`,
    [roundId],
  );
  await setStatus(db, roundId, 'open');
}

export async function setStatus(db: Knex | Knex.Transaction, roundId: number, status: string): Promise<void> {
  await db('rounds').where({ id: roundId }).update({ status });
}
