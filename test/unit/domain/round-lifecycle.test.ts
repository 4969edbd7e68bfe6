import { COMPUTED_STATUSES, ROUND_TRANSITIONS, type RoundStep, acceptsEntries, canTake, hasResults, transition } from '../../../src/domain/round-lifecycle';
import type { RoundStatus } from '../../../src/domain/types';

const STATUSES: RoundStatus[] = ['draft', 'open', 'closed', 'computed', 'publicized', 'published'];

/** The lifecycle of SPEC §3, written out as a grid: for each step, the statuses it may be taken from. */
const GRID: Record<RoundStep, RoundStatus[]> = {
  open: ['draft'],
  close: ['open'],
  compute: ['closed', 'computed'],
  publicize: ['computed'],
  publish: ['publicized'],
  reopen: ['closed', 'computed', 'publicized'],
};

describe('round lifecycle (SPEC §3)', () => {
  const cases = (Object.keys(GRID) as RoundStep[]).flatMap((step) => STATUSES.map((status) => [step, status, GRID[step].includes(status)] as const));

  it.each(cases)('%s from %s: allowed %s', (step, status, allowed) => {
    expect(canTake(step, status)).toBe(allowed);
  });

  it.each([
    ['open', '开始录入', 'open'],
    ['close', '停止录入', 'closed'],
    ['compute', '计算', 'computed'],
    ['publicize', '公示', 'publicized'],
    ['publish', '发布', 'published'],
    ['reopen', '重新开放', 'open'],
  ] as const)('%s is named %s and leads to %s', (step, label, to) => {
    expect(transition(step)).toMatchObject({ step, label, to });
  });

  it('offers the steps in the order of the lifecycle', () => {
    expect(ROUND_TRANSITIONS.map((t) => t.step)).toEqual(['open', 'close', 'compute', 'publicize', 'publish', 'reopen']);
  });

  it('never leaves a published round', () => {
    for (const t of ROUND_TRANSITIONS) expect(t.from).not.toContain('published');
  });

  it('reaches every status from draft by the forward steps', () => {
    let status: RoundStatus = 'draft';
    const path: RoundStatus[] = [status];
    for (const step of ['open', 'close', 'compute', 'publicize', 'publish'] as const) {
      expect(canTake(step, status)).toBe(true);
      status = transition(step).to;
      path.push(status);
    }
    expect(path).toEqual(STATUSES);
  });

  it.each(STATUSES.map((s) => [s, s === 'open'] as const))('entries in a %s round: %s', (status, accepted) => {
    expect(acceptsEntries(status)).toBe(accepted);
  });

  it.each(STATUSES.map((s) => [s, ['computed', 'publicized', 'published'].includes(s)] as const))('a %s round has results: %s', (status, results) => {
    expect(hasResults(status)).toBe(results);
  });

  it('lists the computed statuses in lifecycle order', () => {
    expect(COMPUTED_STATUSES).toEqual(['computed', 'publicized', 'published']);
  });
});
