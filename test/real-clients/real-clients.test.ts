/**
 * Files as real clients write them — LibreOffice Calc (headless) and openpyxl, and a CSV as Excel on
 * Chinese Windows saves it — imported through the import use cases into a real database. Each file
 * is committed with the script that regenerates it (test/fixtures/real-clients/make.sh).
 */
import { importMasterData } from '../../src/app/import-master-data';
import { importRoundData, type RoundDataKind } from '../../src/app/import-round-data';
import { loadRoundInput } from '../../src/db/round-input';
import { backends, useTestDb } from '../support/test-db';
import { DomainError, type FieldProblem } from '../../src/domain/errors';
import { firmResidentScore, projectResidentScore } from '../../src/domain/resident-score';
import { ODS_PROBLEM, XLS_PROBLEM } from '../../src/imports/read-import';
import { USCC_AS_NUMBER_HELP } from '../../src/imports/values';
import { A, B, C, ROUND, buildCity, contextOf, fixture, removeWrittenCsvs, writeCsv } from './city';

afterAll(removeWrittenCsvs);

const PERCENT_HINT = '，并把单元格格式设为「常规」或「数值」';

async function refusal(promise: Promise<unknown>): Promise<{ message: string; details: FieldProblem[] }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'IMPORT_INVALID') return { message: error.message, details: error.details as FieldProblem[] };
    throw error;
  }
  throw new Error('expected the import to be refused');
}

describe.each(backends())('real-client files on %s', (kind) => {
  const t = useTestDb(kind);
  const ctx = () => contextOf(t.knex, kind);
  const roundData = (k: RoundDataKind, name: string) => importRoundData(ctx(), ROUND, k, fixture(name));
  const current = async (table: string, column: string): Promise<Record<string, unknown>> => {
    const rows = (await t.knex(`${table} as x`)
      .join('projects as p', 'p.id', 'x.project_id')
      .whereNull('x.superseded_at')
      .orderBy('p.code')
      .select('p.code', t.knex.raw(`x.${column}::text as value`))) as { code: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.code, r.value]));
  };
  const count = async (table: string): Promise<number> => Number(((await t.knex(table).count('* as n')) as { n: string | number }[])[0]?.n);

  beforeAll(async () => {
    await buildCity(ctx());
  }, 120_000);

  describe('LibreOffice', () => {
    it('refuses street scores typed as 85% and 90.00%, naming sheet, row, column and what to type; nothing is stored', async () => {
      const before = await count('street_scores');
      const { message, details } = await refusal(roundData('street', 'lo-street-percent.xlsx'));
      expect(message).toBe('文件（工作表「街道评分」）有 2 处错误');
      expect(details).toEqual([
        { sheet: '街道评分', row: 2, column: '得分', letter: 'B', message: `得分 85% 是百分比格式：请填写 85（不带 %）${PERCENT_HINT}` },
        { sheet: '街道评分', row: 3, column: '得分', letter: 'B', message: `得分 90% 是百分比格式：请填写 90（不带 %）${PERCENT_HINT}` },
      ]);
      expect(await count('street_scores')).toBe(before);
    });

    it('reads formulas under a merged title on a renamed sheet at the value shown', async () => {
      expect(await roundData('street', 'lo-street-formulas.xlsx')).toMatchObject({ rows: 3 });
      expect(await current('street_scores', 'score')).toEqual({ P001: '9000', P002: '7000', P003: '8600' });
    });

    it('skips a 填表说明 sheet and keeps an AVERAGE mean exactly as given, into the engine', async () => {
      expect(await roundData('resident-summary', 'lo-summary-average.xlsx')).toMatchObject({ rows: 3 });
      const stored = await current('survey_summaries', 'mean');
      expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, String(v).replace(/\.?0+$/, '')]))).toEqual({
        P001: '7866.66666666667',
        P002: '8000',
        P003: '8566.66666666667',
      });
      const round = (await t.knex('rounds').where({ code: ROUND }).first('id')) as { id: number };
      const input = await loadRoundInput(t.knex, Number(round.id));
      const p1 = input.firms.flatMap((f) => f.projects).find((p) => p.code === 'P001');
      expect(p1?.resident).toEqual({ form: 'summary', count: 120, mean: 7867, exactMean: '78.6666666666667' });
      expect(projectResidentScore(p1?.resident ?? null)?.toFraction()).toBe('786666666666667/10000000000000');
      // the firm's household-weighted mean takes the mean as given, not 78.67
      const firmA = input.firms.find((f) => f.uscc === A);
      expect(firmResidentScore(firmA?.projects ?? []).score?.toFraction()).toBe('786666666666667/10000000000000');
    });

    it('reads dates typed as dates and as text, and a USCC column formatted as 文本', async () => {
      expect(await roundData('events', 'lo-events-dates.xlsx')).toMatchObject({ rows: 3 });
      const events = (await t.knex('events as e')
        .join('firms as f', 'f.id', 'e.firm_id')
        .orderBy('e.id')
        .select('f.uscc', t.knex.raw(`to_char(e.occurred_on, 'YYYY-MM-DD') as date`), 'e.veto', 'e.severity')) as unknown[];
      expect(events).toEqual([
        { uscc: A, date: '2025-03-15', veto: false, severity: 'minor' },
        { uscc: B, date: '2025-05-08', veto: false, severity: 'serious' },
        { uscc: C, date: '2025-06-30', veto: true, severity: 'serious' },
      ]);
    });

    it.each([
      ['lo-street-saved-as.xls', XLS_PROBLEM],
      ['lo-street-saved-as.ods', ODS_PROBLEM],
    ])('refuses %s, given by mistake, saying how to save it', async (name, problem) => {
      const { details } = await refusal(roundData('street', name));
      expect(details).toEqual([{ row: null, column: null, message: problem }]);
    });
  });

  describe('openpyxl', () => {
    it('reads 89.99999999999999 and 70.00000000000001 at 15 significant digits, as 90 and 70', async () => {
      expect(await roundData('street', 'openpyxl-street-float.xlsx')).toMatchObject({ rows: 3 });
      expect(await current('street_scores', 'score')).toEqual({ P001: '9000', P002: '7000', P003: '8550' });
    });

    it('refuses regulator scores stored as 0.85 with the formats 0% and 0.0%', async () => {
      const before = await count('regulator_scores');
      const { details } = await refusal(roundData('regulator', 'openpyxl-regulator-percent.xlsx'));
      expect(details).toEqual([
        { sheet: '行管部门评分', row: 2, column: '得分', letter: 'C', message: `得分 85% 是百分比格式：请填写 85（不带 %）${PERCENT_HINT}` },
        { sheet: '行管部门评分', row: 3, column: '得分', letter: 'C', message: `得分 92.5% 是百分比格式：请填写 92.5（不带 %）${PERCENT_HINT}` },
      ]);
      expect(await count('regulator_scores')).toBe(before);
    });

    it('refuses a USCC Excel turned into a number and an event of the previous half year', async () => {
      const before = await count('events');
      const { details } = await refusal(roundData('events', 'openpyxl-events-problems.xlsx'));
      expect(details).toEqual([
        {
          sheet: '违规事件',
          row: 2,
          column: '统一社会信用代码',
          letter: 'A',
          message: `统一社会信用代码 914403001922038000 像是被 Excel 转成了数字（Excel 只保留 15 位有效数字，末尾几位已改变）：${USCC_AS_NUMBER_HELP}`,
        },
        { sheet: '违规事件', row: 3, column: '日期', letter: 'B', message: '日期 2024-11-01 不在本评价周期（2025年上半年，2025-01-01 至 2025-06-30）内' },
      ]);
      expect(await count('events')).toBe(before);
    });

    it('finds the header under three title rows and refuses more responses than households', async () => {
      const { details } = await refusal(roundData('resident-summary', 'openpyxl-summary-over-households.xlsx'));
      expect(details).toEqual([{ sheet: '汇总', row: 6, column: '有效样本数', letter: 'B', message: '有效样本数 151 超过项目 P003 的户数 150' }]);
    });

    it('imports an events file with its header and no rows (a half year without violations)', async () => {
      const before = await count('events');
      expect(await roundData('events', 'openpyxl-events-empty.xlsx')).toEqual({ label: '事件', rows: 0, replaced: 0 });
      expect(await count('events')).toBe(before);
    });

    it('refuses a header below the first 10 rows, saying which columns it looks for', async () => {
      const { details } = await refusal(roundData('street', 'openpyxl-header-too-low.xlsx'));
      expect(details).toEqual([{ sheet: '街道评分', row: null, column: null, message: '前 10 行中没有列名行（缺少必填列：项目编号/project_code、得分/score）：列名行须写在数据上方' }]);
    });
  });

  describe('Excel on Chinese Windows (GBK CSV)', () => {
    it('skips a title line and refuses a score saved as 85%', async () => {
      const { details } = await refusal(roundData('street', 'excel-gbk-street-percent.csv'));
      expect(details).toEqual([{ row: 3, column: '得分', letter: 'B', message: `得分 85% 是百分比格式：请填写 85（不带 %）${PERCENT_HINT}` }]);
    });

    it('refuses a firms list whose USCC Excel showed as 9.14403E+17', async () => {
      const { details } = await refusal(importMasterData(ctx(), 'firms', fixture('excel-gbk-firms-uscc.csv')));
      expect(details).toEqual([
        {
          row: 3,
          column: '统一社会信用代码',
          letter: 'A',
          message: `统一社会信用代码 9.14403E+17 像是被 Excel 转成了数字（Excel 只保留 15 位有效数字，末尾几位已改变）：${USCC_AS_NUMBER_HELP}`,
        },
      ]);
    });
  });

  describe('a file with its header and no rows', () => {
    const headers: Record<RoundDataKind, string[]> = {
      resident: ['项目编号', '户号', '得分'],
      'resident-summary': ['项目编号', '有效样本数', '平均分'],
      regulator: ['统一社会信用代码', '部门', '得分'],
      deductions: ['统一社会信用代码', '扣分项', '扣分'],
      street: ['项目编号', '得分'],
      events: ['统一社会信用代码', '日期', '类型', '一票否决'],
      complaints: ['项目编号', '投诉数'],
    };
    it.each(Object.keys(headers) as RoundDataKind[])('imports as nothing for %s', async (k) => {
      const summary = await importRoundData(ctx(), ROUND, k, writeCsv(`${k}.csv`, [headers[k]]));
      expect(summary).toMatchObject({ rows: 0, replaced: 0 });
    });

    it.each([
      ['streets', ['街道编码', '街道名称']],
      ['firms', ['统一社会信用代码', '企业名称']],
      ['projects', ['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数']],
    ] as const)('imports as nothing for the master data %s', async (k, header) => {
      expect(await importMasterData(ctx(), k, writeCsv(`${k}.csv`, [[...header]]))).toMatchObject({ rows: 0 });
    });
  });
});
