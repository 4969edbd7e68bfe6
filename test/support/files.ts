/**
 * Files for tests: a hash of what a cached build depends on, and inputs a test file writes once.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** Every file under `dir` (relative to the repository), in order. */
export function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []))
    .sort();
}

/** A short hash of the names and contents of these files (relative to the repository). */
export function filesHash(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) hash.update(file).update('\0').update(readFileSync(join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Inputs a test file writes once into a temporary folder and shares between its describes (one per
 * backend); the folder goes with the file. `ready()` writes them on its first call.
 */
export function writtenOnce<T>(prefix: string, write: (dir: string) => Promise<T>): { dir: string; ready(): Promise<T> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let written: Promise<T> | null = null;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, ready: () => (written ??= write(dir)) };
}
