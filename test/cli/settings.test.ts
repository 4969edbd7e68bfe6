/**
 * The issuer and city settings through the CLI: shown, set (audited once per change), refused when
 * bad with exit 2 and nothing written; and the documents of a published round: refused (exit 3,
 * nothing written) while the settings are unset, then printed with them — certificates as A4 PDFs
 * and notices as .docx that read back with the issuer, the city and China dates, and no ××.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { documentXml, docxRunText, pdfInfo, pdfText, squeeze } from '../unit/reports/office-files';
import { hhb, hhbOk, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const N = 20;
const uscc = (i: number) => makeUscc(`9122028400002${String(i).padStart(3, '0')}0`);
/** Firm i's score in every source: 95, 93, … for firms 1–18; 55 and 50 for the last two (black). */
const target = (i: number) => (i === 19 ? 55 : i === 20 ? 50 : 97 - 2 * i);

describe.each(backends())('hhb settings and the documents on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-settings-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    const ids = Array.from({ length: N }, (_, j) => j + 1);
    writeFileSync(join(dir, 'firms.csv'), stringify([['统一社会信用代码', '企业名称', '法定代表人'], ...ids.map((i) => [uscc(i), `磐石市第${i}物业服务有限公司`, `法人${i}`])]));
    writeFileSync(join(dir, 'projects.csv'), stringify([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...ids.map((i) => [`P${i}`, `第${i}小区`, '东宁街道', uscc(i), '100'])]));
    writeFileSync(join(dir, 'street.csv'), stringify([['项目编号', '得分'], ...ids.map((i) => [`P${i}`, String(target(i))])]));
    writeFileSync(join(dir, 'summary.csv'), stringify([['项目编号', '有效样本数', '平均分'], ...ids.map((i) => [`P${i}`, '80', String(target(i))])]));
    writeFileSync(join(dir, 'regulator.csv'), stringify([['统一社会信用代码', '部门', '得分'], ...ids.map((i) => [uscc(i), '市城管执法局', String(target(i))])]));
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (isoLocal: string) => new Date(`${isoLocal}T10:00:00+08:00`);
  const run = (when: string, ...args: string[]) => hhb(args, { db, cwd: dir, now: at(when) });
  const ok = (when: string, ...args: string[]) => hhbOk(args, { db, cwd: dir, now: at(when) });
  const settings = async () => JSON.parse((await ok('2025-07-01', 'settings', 'show', '--json')).stdout) as Record<'issuer' | 'city', { value: string | null; updatedBy: string | null }>;
  const settingAudit = async () =>
    (JSON.parse((await ok('2025-07-01', 'audit', 'log', '--json', '--limit', '1000')).stdout) as { action: string; entityId: string; before: unknown; after: unknown }[]).filter((a) => a.action === 'settings.set');

  it('shows both settings as unset, with the command that sets each', async () => {
    const r = await ok('2025-01-04', 'settings', 'show');
    expect(r.stdout).toContain('发文单位（issuer）：未设置（运行 hhb settings set issuer 磐石市住房和城乡建设局）');
    expect(r.stdout).toContain('城市名称（city）：未设置（运行 hhb settings set city 磐石市）');
    expect(await settings()).toEqual({ issuer: { value: null, updatedBy: null, updatedAt: null }, city: { value: null, updatedBy: null, updatedAt: null } });
  }, 60_000);

  it('refuses a placeholder, an unknown key, a blank or a non-Chinese value with exit 2 and writes nothing', async () => {
    const cases: [string[], string][] = [
      [['issuer', '××市住房和城乡建设局'], '发文单位（issuer）「××市住房和城乡建设局」是占位文字'],
      [['city', 'XX市'], '城市名称（city）「XX市」是占位文字'],
      [['town', '磐石市'], '没有设置项「town」'],
      [['city', '  '], '城市名称（city）不能为空'],
      [['city', 'Panshi'], '城市名称（city）「Panshi」应为中文名称'],
      [['issuer', '磐'.repeat(41)], '发文单位（issuer）最多 40 个字'],
    ];
    for (const [args, message] of cases) {
      const r = await run('2025-01-04', 'settings', 'set', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect((await settings()).issuer.value).toBeNull();
    expect(await settingAudit()).toEqual([]);
  }, 60_000);

  it('runs a round to publication and refuses its documents while the settings are unset (exit 3, nothing written)', async () => {
    await ok('2025-01-04', 'firms', 'import', join(dir, 'firms.csv'));
    await ok('2025-01-04', 'projects', 'import', join(dir, 'projects.csv'));
    await ok('2025-01-05', 'rounds', 'create', '2025-H1');
    await ok('2025-01-05', 'rounds', 'open', '2025-H1');
    for (const [source, file] of [['street', 'street'], ['resident-summary', 'summary'], ['regulator', 'regulator']] as const) {
      await ok('2025-01-05', 'scores', 'import', '2025-H1', '--source', source, join(dir, `${file}.csv`));
    }
    await ok('2025-07-01', 'rounds', 'close', '2025-H1');
    await ok('2025-07-01', 'rounds', 'compute', '2025-H1');
    await ok('2025-07-10', 'rounds', 'publicize', '2025-H1');
    await ok('2025-07-20', 'rounds', 'publish', '2025-H1');
    const out = join(dir, 'refused');
    const r = await run('2025-07-21', 'report', '2025-H1', '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('尚未设置发文单位和城市名称，不能生成印有发文单位的通知书和证书');
    expect(r.stderr).toContain('hhb settings set issuer 磐石市住房和城乡建设局');
    expect(r.stderr).toContain('hhb settings set city 磐石市');
    expect(existsSync(out)).toBe(false);
  }, 240_000);

  it('sets each value once (audited with the old and new value); the same value again changes nothing', async () => {
    expect((await ok('2025-07-21', 'settings', 'set', 'issuer', '磐石住建局')).stdout).toContain('已设置发文单位：磐石住建局');
    expect((await ok('2025-07-21', 'settings', 'set', 'issuer', '磐石市住房和城乡建设局')).stdout).toContain('已将发文单位由「磐石住建局」改为「磐石市住房和城乡建设局」。');
    expect((await ok('2025-07-21', 'settings', 'set', 'city', ' 磐石市 ')).stdout).toContain('已设置城市名称：磐石市');
    expect((await ok('2025-07-21', 'settings', 'set', 'city', '磐石市')).stdout).toContain('城市名称已是「磐石市」，未作更改。');
    const shown = await ok('2025-07-21', 'settings', 'show');
    expect(shown.stdout).toMatch(/发文单位（issuer）：磐石市住房和城乡建设局（cli:\S+ 于 2025年7月21日 10:00 设置）/);
    expect((await settings()).city.value).toBe('磐石市');
    const audit = await settingAudit();
    expect(audit.map((a) => [a.entityId, a.before, a.after])).toEqual([
      ['city', null, { value: '磐石市' }],
      ['issuer', { value: '磐石住建局' }, { value: '磐石市住房和城乡建设局' }],
      ['issuer', null, { value: '磐石住建局' }],
    ]);
  }, 60_000);

  it('prints the issuer, the city and China dates on the certificates (A4 PDF) and notices (.docx), never ××', async () => {
    const out = join(dir, 'reports');
    await ok('2025-07-21', 'report', '2025-H1', '--out', out);
    const certificates = readdirSync(join(out, 'certificates'));
    expect(certificates.length).toBeGreaterThanOrEqual(1);
    for (const name of certificates) {
      expect(name).toMatch(/\.pdf$/);
      const file = join(out, 'certificates', name);
      expect(pdfInfo(file)['Page size']).toBe('595.28 x 841.89 pts (A4)');
      const text = pdfText(file);
      expect(text).toMatch(/磐石市第[12]物业服务有限公司/);
      expect(text).toContain('磐石市住房和城乡建设局');
      expect(text).toContain('2025年7月20日');
      expect(text).not.toContain('××');
    }
    const notices = readdirSync(join(out, 'notices')).sort();
    expect(notices.filter((n) => !n.endsWith('.docx'))).toEqual([]);
    expect(notices).toContain('2025-H1-公示公告.docx');
    const zg = notices.filter((n) => n.includes('整改通知书'));
    const yt = notices.filter((n) => n.includes('约谈通知'));
    expect(zg).toHaveLength(2);
    expect(yt).toHaveLength(2);
    const announcement = docxRunText(documentXml(join(out, 'notices', '2025-H1-公示公告.docx')));
    expect(announcement).toContain('关于磐石市2025年上半年度物业服务企业红黑榜评价结果的公示');
    expect(announcement).toContain('公示期自 2025年7月10日 起');
    const interview = docxRunText(documentXml(join(out, 'notices', yt[0] as string)));
    expect(interview).toMatch(/你单位法定代表人法人(19|20)。/);
    for (const n of notices) {
      const text = docxRunText(documentXml(join(out, 'notices', n)));
      expect(text).toContain('磐石市住房和城乡建设局');
      expect(squeeze(text)).not.toMatch(/××|\d{4}-\d\d-\d\dT/);
    }
  }, 240_000);
});
