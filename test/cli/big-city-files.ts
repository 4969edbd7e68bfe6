/** Input files of a 40-firm city with 10,200 projects (XLSX with Chinese names), GBK and UTF-8-BOM CSVs. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';

export const FIRMS = 40;
const PROJECTS_PER_FIRM = 255;

/** Firm i's target score (every input of the firm equals it, so its composite is exactly this). */
export function target(i: number): string {
  const fixed: Record<number, string> = { 1: '95.00', 2: '93.00', 3: '90.00', 4: '86.50', 37: '60.00', 38: '59.99', 39: '55.00', 40: '50.00' };
  return fixed[i] ?? (84 - (i - 5) * 0.5).toFixed(2);
}
export const uscc = (i: number) => makeUscc(`9122028400000${String(i).padStart(3, '0')}0`);
export const firmName = (i: number) => `测试${['恒安', '润泽', '金盾', '鑫源', '宏达', '安居', '和顺', '嘉园'][i % 8]}第${i}物业服务有限公司`;
export const projectCode = (i: number, k: number) => `P${String(i).padStart(2, '0')}${String(k).padStart(3, '0')}`;

export async function writeInputs(dir: string): Promise<void> {
  const csv = (rows: (string | number)[][]) => stringify(rows);
  writeFileSync(join(dir, 'firms.csv'), `\uFEFF${csv([['统一社会信用代码', '企业名称', '法定代表人'], ...Array.from({ length: FIRMS }, (_, j) => [uscc(j + 1), firmName(j + 1), '张三'])])}`);

  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('项目');
  ws.addRow(['项目编号', '项目名称', '街道', '社区', '物业企业统一社会信用代码', '户数', '类型']);
  for (let i = 1; i <= FIRMS; i += 1) {
    for (let k = 1; k <= PROJECTS_PER_FIRM; k += 1) {
      ws.addRow([projectCode(i, k), `幸福家园第${i}区${k}号院`, ['东宁街道', '福安街道', '河北街道'][k % 3], '和平社区', uscc(i), 100, k % 5 === 0 ? '老旧小区' : '商品房']);
    }
  }
  await wb.xlsx.writeFile(join(dir, 'projects.xlsx'));

  const streetRows: (string | number)[][] = [['项目编号', '得分', '备注']];
  const summaryRows: (string | number)[][] = [['项目编号', '有效样本数', '平均分']];
  const responseRows: (string | number)[][] = [['项目编号', '户号', '得分']];
  const complaintRows: (string | number)[][] = [['项目编号', '投诉数']];
  for (let i = 1; i <= FIRMS; i += 1) {
    for (let k = 1; k <= PROJECTS_PER_FIRM; k += 1) {
      streetRows.push([projectCode(i, k), target(i), '街道评议']);
      complaintRows.push([projectCode(i, k), i === 40 ? 3 : 0]);
      if (i === 1 && k === 1) {
        for (let h = 1; h <= 80; h += 1) responseRows.push([projectCode(i, k), `1-${h}`, target(i)]);
        // one household answers twice: the later answer replaces the earlier (second file below)
      } else {
        summaryRows.push([projectCode(i, k), 10, target(i)]);
      }
    }
  }
  // Street scores arrive as GBK, the way Excel on Chinese Windows saves CSV.
  writeFileSync(join(dir, 'street.csv'), iconv.encode(csv(streetRows), 'gbk'));
  writeFileSync(join(dir, 'summary.csv'), csv(summaryRows));
  writeFileSync(join(dir, 'responses.csv'), csv(responseRows));
  writeFileSync(join(dir, 'responses-2.csv'), csv([['项目编号', '户号', '得分'], [projectCode(1, 1), '1-1', target(1)]]));
  writeFileSync(join(dir, 'complaints.csv'), csv(complaintRows));
  const regulatorRows: (string | number)[][] = [['统一社会信用代码', '部门', '得分']];
  for (let i = 1; i <= FIRMS; i += 1) regulatorRows.push([uscc(i), '市城管执法局', target(i)], [uscc(i), '市消防救援大队', target(i)]);
  writeFileSync(join(dir, 'regulator.csv'), iconv.encode(csv(regulatorRows), 'gb18030'));
  writeFileSync(
    join(dir, 'events.csv'),
    csv([['统一社会信用代码', '项目编号', '日期', '类型', '一票否决', '说明'], [uscc(2), projectCode(2, 7), '2025/4/18', '挪用专项维修资金', '是', '审计查实']]),
  );
}

