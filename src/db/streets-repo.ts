/**
 * Streets (街道) as every option and file names them: by code or by name (SPEC §7). A code wins
 * over a name when a value is both (a street whose code is another street's name).
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { nearestNames } from '../domain/nearest-names';

type Db = Knex | Knex.Transaction;

export interface StreetRef {
  code: string;
  name: string;
}

export async function listStreets(db: Db): Promise<StreetRef[]> {
  return (await db('streets').select('code', 'name').orderBy('code')) as StreetRef[];
}

/** The street whose code, or else whose name, is `codeOrName`; null when none is. */
export async function findStreet(db: Db, codeOrName: string): Promise<StreetRef | null> {
  const value = codeOrName.trim();
  const rows = (await db('streets').where('code', value).orWhere('name', value).select('code', 'name')) as StreetRef[];
  return rows.find((s) => s.code === value) ?? rows[0] ?? null;
}

/** A short Chinese hint naming the known streets nearest to an unknown one. */
export function nearestStreetsHint(given: string, streets: readonly StreetRef[]): string {
  if (streets.length === 0) return '尚未导入任何街道（先用 hhb streets import 导入街道名录）';
  const near = nearestNames(given, streets.map((s) => s.name));
  const label = near.map((name) => `${name}（${streets.find((s) => s.name === name)?.code ?? ''}）`).join('、');
  return `最接近的已登记街道：${label}`;
}

/** The street named by code or name, or a NOT_FOUND error listing the nearest known streets. */
export async function resolveStreet(db: Db, codeOrName: string, field = 'street'): Promise<StreetRef> {
  const found = await findStreet(db, codeOrName);
  if (found) return found;
  const hint = nearestStreetsHint(codeOrName.trim(), await listStreets(db));
  throw new DomainError('NOT_FOUND', `没有编码或名称为「${codeOrName}」的街道；${hint}。`, { field });
}
