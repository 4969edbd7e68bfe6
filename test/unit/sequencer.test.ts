/**
 * test/support/sequencer.js, the order test files start in: with HHB_TEST_ORDER_SEED, every file once
 * in an order that the seed alone decides.
 */
import { createRequire } from 'node:module';

interface FakeTest {
  path: string;
  duration?: number;
  context: { config: { displayName?: { name: string } } };
}
type Sequencer = new (options: unknown) => { sort(tests: FakeTest[]): FakeTest[] };

const SlowFirst = createRequire(__filename)('../support/sequencer.js') as Sequencer;

const tests: FakeTest[] = Array.from({ length: 40 }, (_, i) => ({
  path: `/repo/test/file-${String(i).padStart(2, '0')}.test.ts`,
  context: { config: { displayName: { name: i % 5 === 0 ? 'slow' : 'integration' } } },
}));

function order(seed: string | undefined, input: FakeTest[] = tests): string[] {
  const before = process.env.HHB_TEST_ORDER_SEED;
  if (seed === undefined) delete process.env.HHB_TEST_ORDER_SEED;
  else process.env.HHB_TEST_ORDER_SEED = seed;
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return new SlowFirst({}).sort(input).map((t) => t.path);
  } finally {
    process.stderr.write = write;
    if (before === undefined) delete process.env.HHB_TEST_ORDER_SEED;
    else process.env.HHB_TEST_ORDER_SEED = before;
  }
}

describe('the order test files start in', () => {
  it('is the same for the same seed, whatever order jest found the files in, and holds every file once', () => {
    const first = order('7');
    expect(order('7', [...tests].reverse())).toEqual(first);
    expect([...first].sort()).toEqual(tests.map((t) => t.path));
  });

  it('differs from seed to seed and from the files found order', () => {
    const orders = ['1', '2', '3'].map((seed) => order(seed).join(','));
    expect(new Set(orders).size).toBe(3);
    expect(orders).not.toContain(tests.map((t) => t.path).join(','));
  });

  it('refuses a seed that is not a whole number', () => {
    expect(() => order('abc')).toThrow(/HHB_TEST_ORDER_SEED/);
  });
});
