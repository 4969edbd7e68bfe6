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
import { firmIdsByUscc } from '../db/firms-repo';
import { insertImport } from '../db/imports-repo';
import { insertStreets, refreshOpenSnapshots, upsertFirms, upsertProjects, upsertStreets } from '../db/registers-repo';
import { listStreets, nearestStreetsHint } from '../db/streets-repo';
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
  return insertImport(trx, { roundId: meta.roundId, kind: meta.kind, fileName: basename(meta.file), sha256: meta.sha256, rows: meta.rows, enteredBy: ctx.actor });
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
      const counts = await upsertStreets(trx, rows.map((r) => ({ code: r.code, name: r.name, district: r.district ?? null })));
      await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
      await appendAudit(trx, { actor: ctx.actor, action: 'streets.import', entity: 'streets', entityId: basename(file), after: { rows: rows.length, ...counts, sha256 } });
      return { rows: rows.length, ...counts };
    });
  }
  if (kind === 'firms') {
    const { rows } = await readImport('firms', file);
    return ctx.knex.transaction(async (trx) => {
      const counts = await upsertFirms(trx, rows.map((r) => ({ uscc: r.uscc, name: r.name, legalRep: r.legalRep ?? null, phone: r.phone ?? null })), ctx.now());
      await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
      await appendAudit(trx, { actor: ctx.actor, action: 'firms.import', entity: 'firms', entityId: basename(file), after: { rows: rows.length, ...counts, sha256 } });
      return { rows: rows.length, ...counts };
    });
  }
  const firms = await firmIdsByUscc(ctx.knex);
  const { rows } = await readImport('projects', file, { firms: new Set(firms.keys()) });
  return ctx.knex.transaction(async (trx) => {
    // A street is named by its code or its name (SPEC §7). Once streets are registered, one the
    // register does not know is a mistyped name until the clerk says otherwise (--new-streets);
    // the first projects file of an empty register creates its streets, code = name.
    const streets = await listStreets(trx);
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
    await insertStreets(trx, newStreets.map((name) => ({ code: name, name })));
    for (const s of newStreets) byCodeOrName.set(s, s);
    // Every street is known by now, and the file was checked against the firm register.
    const known = <T>(map: Map<string, T>, key: string, what: string, row: number): T => {
      const value = map.get(key);
      if (value === undefined) throw new DomainError('IMPORT_INVALID', `第 ${row} 行：${what}「${key}」未登记`, [{ row, column: what, message: `未登记的${what}「${key}」` }]);
      return value;
    };
    const counts = await upsertProjects(
      trx,
      rows.map((r) => ({
        code: r.code,
        name: r.name,
        streetCode: known(byCodeOrName, r.street, '街道', r.row),
        community: r.community ?? null,
        firmId: known(firms, r.firmUscc, '企业', r.row),
        households: r.households,
        kind: r.kind ?? 'commodity',
      })),
      ctx.now(),
    );
    // SPEC §3: while a round is open, changes of assignment and households reach its snapshot (audited here);
    // once it is closed the snapshot is frozen.
    const openRoundSnapshotsUpdated = await refreshOpenSnapshots(trx, rows.map((r) => r.code));
    await recordImport(trx, ctx, { roundId: null, kind, file, sha256, rows: rows.length });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'projects.import',
      entity: 'projects',
      entityId: basename(file),
      after: { rows: rows.length, ...counts, newStreets, sha256, openRoundSnapshotsUpdated },
    });
    return { rows: rows.length, ...counts, newStreets };
  });
}
