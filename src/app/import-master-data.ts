/**
 * Imports of the bureau's registers: streets, firms, projects (SPEC §7). All-or-nothing: the file is
 * parsed and checked in full first, then written in one transaction with one audit record.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Knex } from 'knex';
import { readImport } from '../imports';
import { DomainError, type FieldProblem } from '../domain/errors';
import { appendAudit } from '../db/audit';
import { nearestStreetsHint } from '../db/streets-repo';
import type { AppContext } from './context';

export type MasterDataKind = 'streets' | 'firms' | 'projects';

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  /** Streets a projects file named for the first time and the import created (code = name). */
  newStreets?: string[];
}

/** Problems listed at most in one refusal; the rest are counted. */
const MAX_LISTED = 100;

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    // The file is read here before the import reads it: a missing file is the person's mistake, not ours.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DomainError('NOT_FOUND', `文件不存在：${path}`);
    if (code === 'EISDIR') throw new DomainError('INPUT_INVALID', `${path} 是一个文件夹，不是文件`);
    if (code === 'EACCES') throw new DomainError('INPUT_INVALID', `没有读取文件的权限：${path}`);
    throw error;
  }
  return hash.digest('hex');
}

export async function recordImport(
  trx: Knex.Transaction,
  ctx: AppContext,
  meta: { roundId: number | null; kind: string; file: string; sha256: string; rows: number },
): Promise<number> {
  const [row] = await trx('imports')
    .insert({ round_id: meta.roundId, kind: meta.kind, file_name: basename(meta.file), sha256: meta.sha256, rows: meta.rows, entered_by: ctx.actor })
    .returning('id');
  return Number(typeof row === 'object' ? (row as { id: number }).id : row);
}


/** Upserts rows by key in one statement per 500 rows; counts what was new. */
async function upsert(trx: Knex.Transaction, table: string, key: string, rows: Record<string, unknown>[]): Promise<{ created: number; updated: number }> {
  let created = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const existing = await trx(table).whereIn(key, batch.map((r) => r[key] as string)).count<{ count: string | number }[]>('* as count');
    created += batch.length - Number(existing[0]?.count ?? 0);
    await trx(table).insert(batch).onConflict(key).merge();
  }
  return { created, updated: rows.length - created };
}

export async function importMasterData(
  ctx: AppContext,
  kind: MasterDataKind,
  file: string,
  /** newStreets: a projects file may name streets not yet registered; they are created (SPEC §7). */
  opts: { newStreets?: boolean } = {},
): Promise<ImportSummary> {
  const sha256 = await fileSha256(file);
  if (kind === 'streets') {
    const { rows } = await readImport('streets', file);
    return ctx.knex.transaction(async (trx) => {
      const counts = await upsert(trx, 'streets', 'code', rows.map((r) => ({ code: r.code, name: r.name, district: r.district ?? null })));
      await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
      await appendAudit(trx, { actor: ctx.actor, action: 'streets.import', entity: 'streets', entityId: basename(file), after: { rows: rows.length, ...counts, sha256 } });
      return { rows: rows.length, ...counts };
    });
  }
  if (kind === 'firms') {
    const { rows } = await readImport('firms', file);
    return ctx.knex.transaction(async (trx) => {
      const counts = await upsert(
        trx,
        'firms',
        'uscc',
        rows.map((r) => ({ uscc: r.uscc, name: r.name, legal_rep: r.legalRep ?? null, phone: r.phone ?? null, updated_at: ctx.now() })),
      );
      await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
      await appendAudit(trx, { actor: ctx.actor, action: 'firms.import', entity: 'firms', entityId: basename(file), after: { rows: rows.length, ...counts, sha256 } });
      return { rows: rows.length, ...counts };
    });
  }
  const firms = new Map<string, number>((await ctx.knex('firms').select('id', 'uscc')).map((r: { id: number; uscc: string }) => [r.uscc, Number(r.id)]));
  const { rows } = await readImport('projects', file, { firms: new Set(firms.keys()) });
  return ctx.knex.transaction(async (trx) => {
    // A street is named by its code or its name (SPEC §7). Once streets are registered, one the
    // register does not know is a mistyped name until the clerk says otherwise (--new-streets);
    // the first projects file of an empty register creates its streets, code = name.
    const streets: { code: string; name: string }[] = await trx('streets').select('code', 'name').orderBy('code');
    const byCodeOrName = new Map<string, string>();
    for (const s of streets) byCodeOrName.set(s.name, s.code);
    for (const s of streets) byCodeOrName.set(s.code, s.code);
    const unknown = rows.filter((r) => !byCodeOrName.has(r.street));
    if (unknown.length > 0 && streets.length > 0 && opts.newStreets !== true) {
      const problems: FieldProblem[] = unknown.slice(0, MAX_LISTED).map((r) => ({
        row: r.row,
        column: '街道',
        message: `未登记的街道「${r.street}」；${nearestStreetsHint(r.street, streets)}。如确为新街道，请加 --new-streets 导入`,
      }));
      if (unknown.length > MAX_LISTED) problems.push({ row: null, column: null, message: `…另有 ${unknown.length - MAX_LISTED} 行街道未登记` });
      throw new DomainError('IMPORT_INVALID', `文件有 ${unknown.length} 行的街道未登记，整份文件未导入`, problems);
    }
    const newStreets = [...new Set(unknown.map((r) => r.street))];
    if (newStreets.length) {
      await trx('streets').insert(newStreets.map((name) => ({ code: name, name })));
      for (const s of newStreets) byCodeOrName.set(s, s);
    }
    const counts = await upsert(
      trx,
      'projects',
      'code',
      rows.map((r) => ({
        code: r.code,
        name: r.name,
        street_code: byCodeOrName.get(r.street),
        community: r.community ?? null,
        firm_id: firms.get(r.firmUscc),
        households: r.households,
        kind: r.kind ?? 'commodity',
        updated_at: ctx.now(),
      })),
    );
    // SPEC §3: while a round is open, changes of assignment and households reach its snapshot (audited here);
    // once it is closed the snapshot is frozen.
    const openRounds: { id: number; code: string }[] = await trx('rounds').where({ status: 'open', kind: 'half' }).select('id', 'code');
    const codes = rows.map((r) => r.code);
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
    await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'projects.import',
      entity: 'projects',
      entityId: basename(file),
      after: { rows: rows.length, ...counts, newStreets, sha256, openRoundSnapshotsUpdated: openRounds.map((r) => r.code) },
    });
    return { rows: rows.length, ...counts, newStreets };
  });
}
