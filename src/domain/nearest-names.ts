/**
 * The known names nearest to a mistyped one (SPEC §7: an unknown street is a row error listing the
 * nearest known names). Distance is the edit distance over characters (a Chinese character counts
 * as one), ties broken by how many characters the names share, then by the name itself.
 */
import { compareText } from './explanation';

/** Levenshtein distance over code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] as number;
}

function sharedCharacters(a: string, b: string): number {
  const pool = [...b];
  let shared = 0;
  for (const ch of a) {
    const at = pool.indexOf(ch);
    if (at >= 0) {
      shared += 1;
      pool.splice(at, 1);
    }
  }
  return shared;
}

/** Up to `limit` known names nearest to `given`, nearest first. */
export function nearestNames(given: string, known: readonly string[], limit = 3): string[] {
  return [...new Set(known)]
    .map((name) => ({ name, distance: editDistance(given, name), shared: sharedCharacters(given, name) }))
    .sort((a, b) => a.distance - b.distance || b.shared - a.shared || compareText(a.name, b.name))
    .slice(0, limit)
    .map((n) => n.name);
}
