/**
 * In-memory PGlite instances reused by the test files of one test worker. Opening an instance from a
 * dumped state costs 0.4 s on a quiet machine and over a second in a full run; putting a used one
 * back into that state costs a tenth of that. When a file closes its database, the instance waits
 * here (one per state, at most two per worker: the one returned last stays, the longest waiting goes);
 * the next file asking for the same state gets it back after:
 * - its session reset (`rollback`, `discard all`: settings, prepared statements, temporary tables);
 * - every table emptied and refilled with the state's rows, and every sequence set back (triggers
 *   off, in one transaction);
 * - a check against a fingerprint taken when the instance was first opened: the schemas; in this
 *   one, the tables, columns with their defaults, constraints, indexes, views, rules, policies,
 *   types, functions, triggers (and whether they fire), sequences with their settings and values,
 *   and every row of every table; and the settings made for the session. An instance that fails
 *   it is closed and a new one opened.
 * After close, the handle a file held refuses every call, so a late query cannot reach the next file.
 */
import type { PGlite } from '@electric-sql/pglite';

/** A state's rows, its sequences and its fingerprint, read off the first instance opened in it. */
interface Baseline {
  tables: { name: string; columns: string; rows: string }[];
  /** Each sequence, the value it stands at and whether that value was taken (as `setval` takes them). */
  sequences: { name: string; value: string; called: boolean }[];
  fingerprint: string;
}

/** Instances kept waiting per worker, all states together (each holds 0.3–1 GB). */
const MAX_IDLE = 2;

const baselines = new Map<string, Baseline>();
/** How many instances this worker opened and how many times it handed a used one back (read by the pool's test). */
export const poolCounts = { opened: 0, reused: 0 };
/** The waiting instance of each state, the longest waiting first. */
const idle = new Map<string, PGlite>();

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** One statement naming those of `tables` (at least one) that hold a row, as `name`. */
export function filledTablesQuery(tables: readonly string[]): string {
  return tables.map((t) => `select '${t.replaceAll("'", "''")}' as name where exists (select 1 from ${quote(t)})`).join(' union all ');
}

async function tablesOf(pg: PGlite): Promise<string[]> {
  const rows = (await pg.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = current_schema() order by tablename`)).rows;
  return rows.map((r) => r.name);
}

/**
 * The state of the instance as one hash (see the header). The checksum functions tests make
 * (`hhb_test_…`) are left out: they are made again by each file that uses them.
 */
async function fingerprint(pg: PGlite): Promise<string> {
  const tables = await tablesOf(pg);
  const rows = tables.map((t) => `(select ${`'${t}:'`} || count(*) || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') from ${quote(t)} r)`);
  const query = `
    with ns as (select oid from pg_namespace where nspname = current_schema())
    select md5(concat_ws('#',
      (select string_agg(nspname, ',' order by nspname) from pg_namespace where nspname not like 'pg\\_temp\\_%' and nspname not like 'pg\\_toast\\_temp\\_%'),
      (select string_agg(c.relname || ':' || c.relkind::text || ':' || c.relrowsecurity::text, ',' order by c.relname) from pg_class c where c.relnamespace = (select oid from ns)),
      (select string_agg(c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text || ':' || a.attgenerated::text || ':' || a.attidentity::text
                           || ':' || a.attcollation::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ',' order by c.relname, a.attnum)
         from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace = (select oid from ns) and a.attnum > 0 and not a.attisdropped),
      (select string_agg(conname || ':' || pg_get_constraintdef(oid), ',' order by conname, oid) from pg_constraint where connamespace = (select oid from ns)),
      (select string_agg(pg_get_indexdef(i.indexrelid), ',' order by 1) from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = (select oid from ns)),
      (select string_agg(c.relname || ':' || pg_get_viewdef(c.oid), ',' order by c.relname) from pg_class c where c.relnamespace = (select oid from ns) and c.relkind in ('v', 'm')),
      (select string_agg(r.rulename || ':' || r.ev_class::regclass::text || ':' || r.ev_enabled::text, ',' order by r.rulename, r.ev_class) from pg_rewrite r join pg_class c on c.oid = r.ev_class where c.relnamespace = (select oid from ns)),
      (select string_agg(p.polname || ':' || p.polrelid::regclass::text, ',' order by p.polname, p.polrelid) from pg_policy p join pg_class c on c.oid = p.polrelid where c.relnamespace = (select oid from ns)),
      (select string_agg(t.typname || ':' || t.typtype::text, ',' order by t.typname) from pg_type t where t.typnamespace = (select oid from ns)),
      (select string_agg(pg_get_functiondef(p.oid), ',' order by p.proname, p.oid) from pg_proc p where p.pronamespace = (select oid from ns) and p.prokind in ('f', 'p') and p.proname not like 'hhb\\_test\\_%'),
      (select string_agg(t.tgname || ':' || t.tgenabled::text || ':' || t.tgrelid::regclass::text, ',' order by t.tgname, t.tgrelid) from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = (select oid from ns)),
      (select string_agg(sequencename || ':' || start_value || ':' || increment_by || ':' || min_value || ':' || max_value || ':' || cycle::text || ':' || coalesce(last_value::text, '-'), ',' order by sequencename) from pg_sequences where schemaname = current_schema()),
      (select string_agg(name || '=' || setting, ',' order by name) from pg_settings where source = 'session')
      ${rows.length > 0 ? `, ${rows.join(', ')}` : ''}
    )) as hash`;
  return (await pg.query<{ hash: string }>(query)).rows[0]?.hash ?? '';
}

async function capture(pg: PGlite): Promise<Baseline> {
  const tables: Baseline['tables'] = [];
  for (const name of await tablesOf(pg)) {
    const rows = (await pg.query<{ rows: string | null }>(`select json_agg(t)::text as rows from ${quote(name)} t`)).rows[0]?.rows ?? null;
    if (rows === null) continue;
    const columns = (
      await pg.query<{ name: string }>(
        `select a.attname as name from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`,
        [quote(name)],
      )
    ).rows.map((c) => quote(c.name));
    tables.push({ name, columns: columns.join(', '), rows });
  }
  const sequences = (
    await pg.query<Baseline['sequences'][number]>(
      `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name, coalesce(last_value, start_value)::text as value, last_value is not null as called
         from pg_sequences where schemaname = current_schema()`,
    )
  ).rows;
  return { tables, sequences, fingerprint: await fingerprint(pg) };
}

/** Puts a used instance back into the state; false when it is not that state after. */
async function reset(pg: PGlite, baseline: Baseline): Promise<boolean> {
  try {
    // A transaction a file left open goes, and so does everything its session set.
    await pg.query('rollback');
    await pg.exec('discard all');
    const filled = (await pg.query<{ name: string }>(filledTablesQuery(await tablesOf(pg)))).rows.map((r) => r.name);
    await pg.transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      for (const t of filled) await tx.query(`delete from ${quote(t)}`);
      for (const t of baseline.tables) {
        await tx.query(`insert into ${quote(t.name)} (${t.columns}) overriding system value select ${t.columns} from json_populate_recordset(null::${quote(t.name)}, $1::json)`, [t.rows]);
      }
      for (const s of baseline.sequences) await tx.query(`select setval($1::regclass, $2::bigint, $3)`, [s.name, s.value, s.called]);
    });
    return (await fingerprint(pg)) === baseline.fingerprint;
  } catch {
    return false;
  }
}

/** A handle on the instance that returns it to the pool on close, and refuses every call after. */
function lend(state: string, pg: PGlite): PGlite {
  let closed = false;
  return new Proxy(pg, {
    get(target, property) {
      if (property === 'closed') return closed || target.closed;
      if (property === 'close') {
        return async () => {
          if (closed) return;
          closed = true;
          if (target.closed) return;
          const waiting = idle.get(state);
          idle.delete(state);
          idle.set(state, target);
          const closing = waiting === undefined ? [] : [waiting];
          for (const [name, instance] of idle) {
            if (idle.size <= MAX_IDLE) break;
            idle.delete(name);
            closing.push(instance);
          }
          for (const instance of closing) await instance.close();
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (closed) throw new Error('this test database is closed');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * An in-memory instance in `state` (a name of the dumped state): a used one put back into it, or a
 * new one from `open`. Closing the returned handle gives the instance back.
 */
export async function pooledPglite(state: string, open: () => Promise<PGlite>): Promise<PGlite> {
  const baseline = baselines.get(state);
  const used = idle.get(state);
  idle.delete(state);
  if (used !== undefined && baseline !== undefined) {
    if (await reset(used, baseline)) {
      poolCounts.reused += 1;
      return lend(state, used);
    }
    await used.close().catch(() => {});
  }
  const pg = await open();
  poolCounts.opened += 1;
  if (!baselines.has(state)) baselines.set(state, await capture(pg));
  return lend(state, pg);
}
