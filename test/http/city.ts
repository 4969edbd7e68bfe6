/**
 * A small city for the HTTP and browser tests: streets SA and SB, ten firms with one project each
 * (odd firms in SA, even in SB; firm 10 is named like an XSS attack), a published round 2024-H2
 * (firm 1 red, firm 10 black) and an open round 2025-H1, and one account per role.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { addUser, createToken, type Role } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { importRoundData } from '../../src/app/import-round-data';
import { closeRound, computeRound, createRound, openRound, publicizeRound, publishRound } from '../../src/app/rounds';
import { enterRegulatorScore, enterStreetScores } from '../../src/app/score-entry';
import { makeUscc } from '../../src/domain/uscc';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { type TestDb, seededData, useTestDb } from '../support/test-db';

export const PUBLISHED = '2024-H2';
export const OPEN = '2025-H1';
export const XSS_NAME = '<img src=x onerror=alert(1)>';
export const PASSWORD = 'correct horse battery';
export const NOW = new Date('2025-07-01T02:00:00Z');

export interface City {
  firms: { uscc: string; name: string; project: string; street: 'SA' | 'SB' }[];
  tokens: Record<Account, string>;
}

export type Account = 'admin' | 'bureau' | 'regulator' | 'streetA' | 'streetB' | 'firm';
export const ACCOUNTS: Account[] = ['admin', 'bureau', 'regulator', 'streetA', 'streetB', 'firm'];

export function contextOf(knex: Knex, dbKind: 'pglite' | 'postgres', actor = 'test'): AppContext {
  return { knex, dbKind, actor, now: () => NOW };
}

/** Firm i's score in every source: firm 1 95, firm 10 50, the others between 70 and 80. */
const scoreOf = (i: number): number => (i === 1 ? 95 : i === 10 ? 50 : 80 - i);

/** Every source of an open round for every firm of the city (firm i scores scoreOf(i) everywhere). */
export async function enterAllScores(ctx: AppContext, code: string, firms: City['firms']): Promise<void> {
  await enterStreetScores(ctx, code, firms.map((f, i) => ({ projectCode: f.project, score: scoreOf(i + 1) })));
  for (const [i, f] of firms.entries()) await enterRegulatorScore(ctx, code, { firmUscc: f.uscc, department: '执法局', score: scoreOf(i + 1) });
  const dir = mkdtempSync(join(tmpdir(), 'hhb-city-'));
  try {
    const summary = join(dir, 'summary.csv');
    writeFileSync(summary, `项目编号,有效样本数,平均分\n${firms.map((f, i) => `${f.project},90,${scoreOf(i + 1)}`).join('\n')}\n`);
    await importRoundData(ctx, code, 'resident-summary', summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function buildCity(knex: Knex, dbKind: 'pglite' | 'postgres'): Promise<City> {
  const ctx = contextOf(knex, dbKind);
  await aStreet(knex, { code: 'SA', name: '东城街道' });
  await aStreet(knex, { code: 'SB', name: '西城街道' });
  const firms: City['firms'] = [];
  for (let i = 1; i <= 10; i += 1) {
    const firm = await aFirm(knex, { uscc: makeUscc(`91220100MA${String(i).padStart(7, '0')}`), name: i === 10 ? XSS_NAME : `第${i}物业公司` });
    const street = i % 2 === 1 ? 'SA' : 'SB';
    const project = await aProject(knex, { firmId: firm.id, street, households: 100, code: `P${String(i).padStart(2, '0')}`, name: `${street === 'SA' ? '东' : '西'}苑${i}号小区` });
    firms.push({ uscc: firm.uscc, name: firm.name, project: project.code, street });
  }

  await createRound(ctx, { code: PUBLISHED });
  await openRound(ctx, PUBLISHED);
  await enterAllScores(ctx, PUBLISHED, firms);
  await closeRound(ctx, PUBLISHED);
  await computeRound(ctx, PUBLISHED, { force: false });
  await publicizeRound(ctx, PUBLISHED, { days: 7 });
  await publishRound(ctx, PUBLISHED, { early: true, reason: '测试' });

  await createRound(ctx, { code: OPEN });
  await openRound(ctx, OPEN);

  const accounts: Record<Account, { role: Role; street?: string; firm?: string }> = {
    admin: { role: 'admin' },
    bureau: { role: 'bureau' },
    regulator: { role: 'regulator' },
    streetA: { role: 'street', street: 'SA' },
    streetB: { role: 'street', street: 'SB' },
    firm: { role: 'firm', firm: firms[0]?.uscc as string },
  };
  const tokens = {} as Record<Account, string>;
  for (const name of ACCOUNTS) {
    const a = accounts[name];
    await addUser(ctx, { name, role: a.role, street: a.street, firm: a.firm, password: PASSWORD });
    tokens[name] = (await createToken(ctx, name)).token;
  }
  return { firms, tokens };
}

/**
 * A database holding the city for a describe block (registers its beforeAll and afterAll): a copy of
 * the one test/support/global-setup.ts built once for the run, or, in a run without that setup, a
 * city built here — the same rows either way.
 */
export function useCityDb(kind: 'pglite' | 'postgres'): { readonly knex: Knex; readonly db: TestDb; readonly city: City } {
  const t = useTestDb(kind, { seed: 'city' });
  let city: City | null = null;
  beforeAll(async () => {
    city = (seededData('city', kind) as City | null) ?? (await buildCity(t.knex, kind));
  }, 120_000);
  return {
    get knex() {
      return t.knex;
    },
    get db() {
      return t.db;
    },
    get city() {
      if (city === null) throw new Error('city not built yet (used outside a test?)');
      return city;
    },
  };
}
