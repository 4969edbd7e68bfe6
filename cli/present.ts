import { flagLabel, formatScore, listLabel } from '../src/app/labels';
import { type CompletenessSummary, sampleShortfallText } from '../src/app/rounds';
import type { RoundResult } from '../src/domain/types';
import { type CliIo, println } from './io';

export function printListsSummary(io: CliIo, result: RoundResult): void {
  for (const list of ['red', 'black', 'watch'] as const) {
    const firms = result.firms.filter((f) => f.list === list);
    println(io.stdout, `${listLabel(list)}（${firms.length} 家）${firms.length ? '：' : ''}`);
    for (const f of firms) println(io.stdout, `  ${f.rank ?? '—'}. ${f.name}  ${formatScore(f.composite)}  ${f.reasons[0] ?? ''}`);
  }
}

export function printCompleteness(io: CliIo, report: CompletenessSummary): void {
  if (report.problems.length === 0) {
    println(io.stdout, '数据完整：所有项目均有街道评分和居民评分，所有企业均有行管评分。');
  } else {
    println(io.stdout, `数据完整性检查发现 ${report.problems.length} 个问题：`);
    for (const p of report.problems) println(io.stdout, `  - ${p}`);
  }
  const short = report.insufficientSample;
  if (short === null) return;
  if (short.length === 0) {
    println(io.stdout, '样本量：每家企业的有效问卷均达到所需样本量。');
    return;
  }
  println(io.stdout, `样本量不足 ${short.length} 家（计算时标记「样本量不足」，不得列入红榜）：`);
  for (const s of short) println(io.stdout, `  - ${sampleShortfallText(s)}`);
}

export function printFlags(flags: string[]): string {
  return flags.map(flagLabel).join('、');
}
