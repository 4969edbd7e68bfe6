import type { Knex } from 'knex';

/** What every use case receives: the database, who is acting, and the time (injected, never read from a global). */
export interface AppContext {
  knex: Knex;
  dbKind: 'pglite' | 'postgres';
  /** Who acts: a user name, or `cli:<os user>` on the command line. */
  actor: string;
  now: () => Date;
}

/** ISO date (yyyy-mm-dd) of an instant in China Standard Time, where the bureau works. */
export function isoDateCst(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
