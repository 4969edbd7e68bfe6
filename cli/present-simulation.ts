/** How `hhb rounds simulate` prints a what-if (试算) for a person. */
import { listLabel } from '../src/app/labels';
import type { Simulation } from '../src/app/simulate';
import { ruleTitle } from '../src/domain/explanation';
import type { RuleFiring } from '../src/domain/types';
import { ruleValueText } from '../src/rules/rules-diff';
import { type CliIo, println } from './io';

const firing = (r: RuleFiring): string => `【${ruleTitle(r.rule)}】${r.text}`;

export function printSimulation(io: CliIo, s: Simulation): void {
  const out = (text: string) => println(io.stdout, text);
  const against = s.baseline.computation === null ? `本周期规则按当前数据计算的结果（未保存）` : `第 ${s.baseline.computation} 次计算`;
  out(`${s.round} 试算（不保存任何结果）：规则哈希 ${s.simulated.rulesHash.slice(0, 12)}…，对照${against}（规则哈希 ${s.baseline.rulesHash.slice(0, 12)}…）。`);
  if (s.forced) out('按强制计算的方式试算：缺少评分来源的企业用其余来源计算并标记。');
  if (s.ruleChanges.length === 0) out('规则与本周期规则相同。');
  else out(`规则改动 ${s.ruleChanges.length} 处：${s.ruleChanges.map((d) => `${d.path} ${ruleValueText(d.before)} → ${ruleValueText(d.after)}`).join('；')}`);
  const b = s.baseline;
  const a = s.simulated;
  out(`参与排名 ${b.ranked} → ${a.ranked} 家；前/后名额 ${b.sliceSize}/${b.blackSliceSize} → ${a.sliceSize}/${a.blackSliceSize} 家。`);
  out((['red', 'black', 'watch'] as const).map((l) => `${listLabel(l)} ${b.lists[l]} → ${a.lists[l]} 家`).join('，') + '。');
  if (s.changes.length === 0) out('按这份规则，所有企业的名次和榜单都不变。');
  else out(`名次或榜单会变化的企业 ${s.changes.length} 家：`);
  for (const c of s.changes) {
    out(`  ${c.text}`);
    out(`    现在：${c.before.reasons[0] ?? '—'}`);
    out(`    试算：${c.after.reasons[0] ?? '—'}`);
    for (const r of c.firedOnlyAfter) out(`    试算新触发 ${firing(r)}`);
    for (const r of c.firedOnlyBefore) out(`    试算不再触发 ${firing(r)}`);
  }
  if (s.compositeOnly > 0) out(`另有 ${s.compositeOnly} 家企业综合得分变化，名次和榜单不变。`);
}
