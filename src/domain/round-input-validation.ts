/**
 * Checks a round's input before anything is computed, so that a bad value is reported naming the
 * firm, project and field instead of producing a wrong score. The importers check files row by row;
 * this is the engine's own guard (the engine can be called from anywhere).
 */
import { type FirmInput, type RoundInput } from './types';
import { DomainError } from './errors';

function bad(message: string, details: Record<string, unknown>): never {
  throw new DomainError('INPUT_INVALID', message, details);
}

function isHundredths(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 10000;
}

/** A summary mean as given: a plain decimal 0–100 with at most 15 decimals. */
function isExactMean(v: string): boolean {
  const m = /^(\d{1,3})(?:\.(\d{1,15}))?$/.exec(v);
  return m !== null && (Number(m[1]) < 100 || (m[1] === '100' && /^0*$/.test(m[2] ?? '')));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validateRoundInput(input: RoundInput): void {
  const usccs = new Set<string>();
  const projectCodes = new Map<string, string>();
  for (const firm of input.firms) {
    if (usccs.has(firm.uscc)) bad(`企业 ${firm.uscc} 在本轮输入中重复出现`, { uscc: firm.uscc, field: 'uscc' });
    usccs.add(firm.uscc);
    validateFirm(firm, projectCodes);
  }
}

function validateFirm(firm: FirmInput, projectCodes: Map<string, string>): void {
  const u = firm.uscc;
  for (const p of firm.projects) {
    const owner = projectCodes.get(p.code);
    if (owner !== undefined) bad(`项目 ${p.code} 同时属于企业 ${owner} 和 ${u}`, { uscc: u, projectCode: p.code, field: 'code' });
    projectCodes.set(p.code, u);
    const at = (): string => `企业 ${u} 的项目 ${p.code}`;
    if (!Number.isInteger(p.households) || p.households <= 0) {
      bad(`${at()} 的户数 ${p.households} 无效：须为正整数`, { uscc: u, projectCode: p.code, field: 'households' });
    }
    if (p.streetScore !== null && !isHundredths(p.streetScore)) {
      bad(`${at()} 的街道评分无效：须为 0–100 之间、最多两位小数的分数`, { uscc: u, projectCode: p.code, field: 'streetScore' });
    }
    if (!Number.isInteger(p.complaints) || p.complaints < 0) {
      bad(`${at()} 的投诉数 ${p.complaints} 无效：须为非负整数`, { uscc: u, projectCode: p.code, field: 'complaints' });
    }
    const r = p.resident;
    if (r !== null) {
      if (!Number.isInteger(r.count) || r.count < 0) {
        bad(`${at()} 的有效样本数 ${r.count} 无效：须为非负整数`, { uscc: u, projectCode: p.code, field: 'resident.count' });
      }
      if (r.form === 'summary' && (!isHundredths(r.mean) || (r.exactMean !== undefined && !isExactMean(r.exactMean)))) {
        bad(`${at()} 的居民评分平均分无效：须为 0–100 之间的分数`, { uscc: u, projectCode: p.code, field: 'resident.mean' });
      }
      if (r.form === 'responses' && (r.sum < 0n || r.sum > BigInt(r.count) * 10000n)) {
        bad(`${at()} 的居民评分合计无效：与有效问卷数不符`, { uscc: u, projectCode: p.code, field: 'resident.sum' });
      }
    }
  }
  if (firm.regulator?.form === 'departments') {
    for (const d of firm.regulator.scores) {
      if (!isHundredths(d.score)) {
        bad(`企业 ${u} 的行管部门（${d.department}）评分无效：须为 0–100 之间的分数`, { uscc: u, field: 'regulator.score', department: d.department });
      }
    }
  }
  for (const e of firm.events) {
    if (!ISO_DATE.test(e.date)) bad(`企业 ${u} 的事件（${e.type}）日期 ${e.date} 无效：须为 YYYY-MM-DD`, { uscc: u, field: 'events.date' });
  }
}
