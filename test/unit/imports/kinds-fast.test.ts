/**
 * The survey rows' fast path (KINDS['survey-responses'].fast) gives exactly the schema's row for the
 * rows it accepts, and leaves every other row to the schema.
 */
import fc from 'fast-check';
import { KINDS } from '../../../src/imports/kinds';

const spec = KINDS['survey-responses'];
const fast = spec.fast as (record: Record<string, unknown>) => unknown;

const cell = fc.oneof(
  fc.constantFrom('', ' ', '85', '85.5', ' 100 ', '100.00', '100.01', '-1', '九十', '８５', '1e2', 'NaN', '满意', '非常满意', ' 一般 ', '很满意', 'P001', '1-1-101'),
  fc.string({ maxLength: 8 }),
);

describe('the survey rows fast path', () => {
  it('agrees with the schema on every row it takes, and takes the plain valid ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1e7 }), cell, cell, cell, cell, (row, projectCode, household, score, answer) => {
        const record = { row, projectCode, household, score, answer };
        const viaSchema = spec.schema.safeParse(record);
        const viaFast = fast(record);
        if (viaFast !== null) expect(viaSchema).toEqual({ success: true, data: viaFast });
      }),
      { numRuns: 5000 },
    );
    expect(fast({ row: 2, projectCode: ' P001 ', household: '1-1-101', score: '85.5', answer: '' })).toEqual({ row: 2, projectCode: 'P001', household: '1-1-101', score: 8550 });
    expect(fast({ row: 3, projectCode: 'P001', household: '1-1-102', score: '', answer: '满意' })).toEqual({ row: 3, projectCode: 'P001', household: '1-1-102', score: 8000 });
    expect(fast({ row: 4, projectCode: 'P001', household: '1-1-103', score: '九十', answer: '' })).toBeNull();
  });
});
