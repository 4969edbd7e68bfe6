/**
 * A rules file as `hhb rounds create --rules` reads it, without a database: UTF-8 JSON with or
 * without a BOM, and a clear refusal for a missing file, broken JSON or a rule the schema refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRulesFile } from '../../../src/app/rules-file';

describe('readRulesFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-rules-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads a rules document saved with a BOM (as Windows Notepad saves UTF-8)', async () => {
    const rules = await readRulesFile(file('bom.json', '\uFEFF{"red":{"share":0.05}}'));
    expect(rules.red.share).toBe(0.05);
  });

  it('takes the defaults for what the document leaves out (the 5:3:2 weighting)', async () => {
    const rules = await readRulesFile(file('empty.json', '{}'));
    expect(rules.weights).toEqual({ resident: 5, regulator: 3, street: 2 });
  });

  it('refuses a file that is not there, naming it', async () => {
    await expect(readRulesFile(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('无法读取规则文件') });
  });

  it('refuses broken JSON, naming the file', async () => {
    const path = file('broken.json', '{"red": {"share": 0.1,}}');
    await expect(readRulesFile(path)).rejects.toMatchObject({ code: 'RULES_INVALID', message: expect.stringContaining(`规则文件 ${path} 不是有效的 JSON`) });
  });

  it('refuses a rule the schema does not know, naming its key', async () => {
    await expect(readRulesFile(file('typo.json', '{"red":{"sahre":0.1}}'))).rejects.toMatchObject({ code: 'RULES_INVALID' });
  });
});
