/**
 * SPEC §5.3: a firm missing a whole source (no project with a resident score, no regulator input,
 * no project with a street score). `block`: compute refuses unless forced (forced firms are treated
 * as `renormalize` and flagged `forced`); `renormalize`: the present sources' weights are rescaled
 * and the firm flagged; `exclude`: the firm is not ranked.
 */
import { type MissingSource, type Source } from './types';
import { type MissingSourcePolicy } from './rules';
import { DomainError } from './errors';
import { SOURCE_LABELS } from './explanation';

export type MissingTreatment = 'none' | 'renormalize' | 'forced' | 'exclude';

export function missingTreatment(missing: readonly Source[], policy: MissingSourcePolicy, force: boolean): MissingTreatment {
  if (missing.length === 0) return 'none';
  if (policy === 'exclude') return 'exclude';
  if (policy === 'renormalize') return 'renormalize';
  return force ? 'forced' : 'exclude';
}

export function missingSourcesError(missing: MissingSource[]): DomainError {
  const shown = missing.slice(0, 10).map((m) => `${m.name}（${m.uscc}）缺少${m.sources.map((s) => SOURCE_LABELS[s]).join('、')}`);
  const more = missing.length > 10 ? `等 ${missing.length} 家企业` : '';
  return new DomainError(
    'MISSING_SOURCES',
    `有企业缺少评分来源，按规则（缺少来源时阻止计算）不能计算；请补齐数据或强制计算：${shown.join('；')}${more}`,
    missing,
  );
}
