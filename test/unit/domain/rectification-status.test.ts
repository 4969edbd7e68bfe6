import { type RectificationDates, type RectificationStatus, rectificationState, rectificationStatus } from '../../../src/domain/rectification-status';

const notice = (over: Partial<RectificationDates> = {}): RectificationDates => ({ result: null, deadline: '2025-08-19', reinspectBy: '2025-09-03', ...over });

describe('rectification status (SPEC §5.6, §5.7, §5.9)', () => {
  it.each<[string, RectificationDates, string, RectificationStatus]>([
    ['not re-inspected, before its re-inspection date', notice(), '2025-08-01', 'open'],
    ['not re-inspected, past the deadline but not the re-inspection date', notice(), '2025-08-25', 'open'],
    ['not re-inspected, on its re-inspection date', notice(), '2025-09-03', 'open'],
    ['not re-inspected, the day after its re-inspection date', notice(), '2025-09-04', 'overdue'],
    ['not re-inspected, a year later', notice(), '2026-09-04', 'overdue'],
    ['without a re-inspection date, on its deadline', notice({ reinspectBy: null }), '2025-08-19', 'open'],
    ['without a re-inspection date, after its deadline', notice({ reinspectBy: null }), '2025-08-20', 'overdue'],
    ['passed, long after its dates', notice({ result: 'passed' }), '2026-01-01', 'passed'],
    ['passed, before its dates', notice({ result: 'passed' }), '2025-08-01', 'passed'],
    ['failed, before its re-inspection date', notice({ result: 'failed' }), '2025-08-25', 'failed'],
    ['failed, after its dates', notice({ result: 'failed' }), '2026-01-01', 'failed'],
  ])('%s', (_what, dates, today, status) => {
    expect(rectificationStatus(dates, today)).toBe(status);
  });

  it.each<[RectificationStatus | null, { open: boolean; unrectified: boolean }]>([
    ['open', { open: true, unrectified: false }],
    ['overdue', { open: false, unrectified: true }],
    ['failed', { open: false, unrectified: true }],
    ['passed', { open: false, unrectified: false }],
    [null, { open: false, unrectified: false }],
  ])('the engine reads %s as %j', (status, state) => {
    expect(rectificationState(status)).toEqual(state);
  });
});
