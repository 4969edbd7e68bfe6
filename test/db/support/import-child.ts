/**
 * Child process for the SIGKILL test: imports a CSV (project_id,household,score) into PostgreSQL
 * through loadSurveyResponses, printing "batch <n>" after each batch has gone to the server.
 * Arguments: <database url> <round id> <csv path> [pause ms after each batch, so the kill lands mid-way].
 */
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { createDb } from '../../../src/db/knex-factory';
import { loadSurveyResponses, type SurveyResponseRecord } from '../../../src/db/survey-bulk';

async function* batches(file: string, pauseMs: number): AsyncIterable<SurveyResponseRecord[]> {
  const parser = fs.createReadStream(file).pipe(parse({ from_line: 2 }));
  let batch: SurveyResponseRecord[] = [];
  let n = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    batch.push({ projectId: Number(record[0]), household: String(record[1]), score: Number(record[2]) });
    if (batch.length === 5000) {
      yield batch;
      batch = [];
      n += 1;
      process.stdout.write(`batch ${n}\n`);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  if (batch.length > 0) yield batch;
}

async function main(): Promise<void> {
  const [url, roundId, file, pause] = process.argv.slice(2);
  if (!url || !roundId || !file) throw new Error('usage: import-child <url> <roundId> <csv>');
  const db = await createDb({ kind: 'postgres', url: `${url}${url.includes('?') ? '&' : '?'}application_name=hhb_kill_test` }, { migrate: false });
  const result = await loadSurveyResponses(db.knex, { roundId: Number(roundId), enteredBy: 'child', importId: null }, batches(file, Number(pause ?? 0)));
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
  await db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
