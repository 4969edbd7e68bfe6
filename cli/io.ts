import type { Writable } from 'node:stream';
import type { DatabaseConfig } from '../src/config';
import type { Db } from '../src/db/knex-factory';

/**
 * Databases kept open across the commands of one process (tests run hundreds of commands
 * in-process). Without it, each command opens its database and closes it when done.
 */
export interface OpenDatabases {
  /** The open database for this configuration, or null to let the command open its own. Never closed by the command. */
  open(database: Readonly<DatabaseConfig>): Promise<Db | null>;
  /** Closes and forgets an embedded data folder's database (before `hhb demo` wipes the folder). */
  release(dataDir: string): Promise<void>;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Current time; commands never call `new Date()` themselves, so tests can fix it. */
  now: () => Date;
  databases?: OpenDatabases;
}

/**
 * A reader that stops reading (`hhb audit log | head`) closes the pipe: the program ends quietly
 * there, exit code 0, as Unix tools do, instead of a stack trace. Any other write error is thrown.
 * A command stopped this way mid-transaction commits nothing: its connection goes with the process.
 */
export function endQuietlyOnClosedPipe(stream: Writable, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}

export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) endQuietlyOnClosedPipe(stream, (code) => process.exit(code));
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), now: () => new Date() };
}

export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
