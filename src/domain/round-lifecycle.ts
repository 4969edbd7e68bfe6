/**
 * The round lifecycle of SPEC §3: draft → open → closed → computed → publicized → published, with
 * reopening back to open before publication. One table says which step may be taken from which
 * status; the command line, the API and the pages all read it.
 */
import type { RoundStatus } from './types';

export type RoundStep = 'open' | 'close' | 'compute' | 'publicize' | 'publish' | 'reopen';

export interface RoundTransition {
  step: RoundStep;
  /** The step as the bureau names it (开始录入, 计算, …). */
  label: string;
  /** The statuses the step may be taken from. */
  from: readonly RoundStatus[];
  /** The status the round is in after the step. */
  to: RoundStatus;
}

/** The steps in the order the dashboard offers them. */
export const ROUND_TRANSITIONS: readonly RoundTransition[] = [
  { step: 'open', label: '开始录入', from: ['draft'], to: 'open' },
  { step: 'close', label: '停止录入', from: ['open'], to: 'closed' },
  // Compute may be repeated: each computation is kept.
  { step: 'compute', label: '计算', from: ['closed', 'computed'], to: 'computed' },
  { step: 'publicize', label: '公示', from: ['computed'], to: 'publicized' },
  { step: 'publish', label: '发布', from: ['publicized'], to: 'published' },
  // From `closed` too: close reports what is missing and compute refuses until it is entered (SPEC §5.3).
  { step: 'reopen', label: '重新开放', from: ['closed', 'computed', 'publicized'], to: 'open' },
];

export function transition(step: RoundStep): RoundTransition {
  const t = ROUND_TRANSITIONS.find((x) => x.step === step);
  if (t === undefined) throw new Error(`unknown round step ${String(step)}`);
  return t;
}

/** Whether `step` may be taken from `status`. */
export function canTake(step: RoundStep, status: RoundStatus): boolean {
  return transition(step).from.includes(status);
}

/** The statuses in which a round has a computation (its results exist, published or not). */
export const COMPUTED_STATUSES: readonly RoundStatus[] = ['computed', 'publicized', 'published'];

/** Whether a round in `status` has been computed. */
export function hasResults(status: RoundStatus): boolean {
  return COMPUTED_STATUSES.includes(status);
}

/** The only status in which scores are entered or imported. */
export const ENTRY_STATUS: RoundStatus = 'open';

/** Whether a round in `status` accepts score entry and imports. */
export function acceptsEntries(status: RoundStatus): boolean {
  return status === ENTRY_STATUS;
}
