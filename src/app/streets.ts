/** Streets named the way people name them: by code or by name (SPEC §7). */
import { type StreetRef, resolveStreet } from '../db/streets-repo';
import type { AppContext } from './context';

/** The street of a code or name, or a NOT_FOUND naming the nearest ones. */
export async function findStreetByCodeOrName(ctx: AppContext, codeOrName: string): Promise<StreetRef> {
  return resolveStreet(ctx.knex, codeOrName);
}
