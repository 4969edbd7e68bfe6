import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, type FieldProblem } from '../../../src/domain/errors';

/** A private temporary folder per test file, removed after it. */
export function tempDir(): { path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-imports-test-'));
  return { path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** CSV text from rows (cells quoted when needed). */
export function csv(rows: readonly (readonly (string | number)[])[]): string {
  const q = (v: string | number): string => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(q).join(',')).join('\n') + '\n';
}

export function writeCsv(path: string, rows: readonly (readonly (string | number)[])[]): string {
  writeFileSync(path, csv(rows));
  return path;
}

/** The problems of a rejected import, with sheet and column letter; fails the test when it did not reject with IMPORT_INVALID. */
export async function locatedProblemsOf(promise: Promise<unknown>): Promise<FieldProblem[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'IMPORT_INVALID') return error.details as FieldProblem[];
    throw error;
  }
  throw new Error('expected the import to be rejected');
}

/** The problems of a rejected import as row, column header and message (location details left out). */
export async function problemsOf(promise: Promise<unknown>): Promise<FieldProblem[]> {
  return (await locatedProblemsOf(promise)).map(({ row, column, message }) => ({ row, column, message }));
}
