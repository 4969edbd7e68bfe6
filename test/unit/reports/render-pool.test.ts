import { Worker } from 'node:worker_threads';
import { DomainError } from '../../../src/domain/errors';
import { renderPicture, type PictureJob } from '../../../src/reports/picture-jobs';
import { createRenderPool, inThreadRenderer, type PictureRenderer, renderInOrder } from '../../../src/reports/render-pool';
import { scoreCardFirm } from '../../../src/reports/score-card';
import { aFirmResult } from './builders';

const certificate = (i: number): PictureJob => ({
  kind: 'certificate',
  input: { firmName: `磐石市安居物业服务有限公司第${i}分公司`, uscc: '91220284000000001X', roundCode: '2025-H1', number: `HHB-2025-H1-${i}`, issuedOn: '2025-07-20', issuer: '磐石市住房和城乡建设局' },
});

const scoreCard = (i: number): PictureJob => ({
  kind: 'score-card',
  firm: scoreCardFirm(aFirmResult({ rank: i + 1, name: `第${i}家物业服务有限公司`, list: i % 2 === 0 ? 'red' : 'black', reasons: [`第 ${i} 条说明`] })),
  history: [{ roundCode: '2024-H2', rank: 7, composite: 8100 + i, list: null }],
  options: { roundCode: '2025-H1', rankedFirms: 40 },
});

describe('render pool (score cards and certificates on worker threads)', () => {
  let pool: PictureRenderer;
  beforeAll(() => {
    pool = createRenderPool(2);
  });
  afterAll(() => pool.close());

  it('renders on workers the same bytes as this thread, handed back in the order asked', async () => {
    const jobs = [scoreCard(0), certificate(1), scoreCard(2), scoreCard(3), certificate(4), scoreCard(5), certificate(6), scoreCard(7), scoreCard(8)];
    const got: { index: number; bytes: Buffer }[] = [];
    await renderInOrder(
      pool,
      jobs.map((job, index) => ({ job, index })),
      (item) => item.job,
      async (item, bytes) => {
        await new Promise((resolve) => setTimeout(resolve, 2)); // a slow disk does not reorder anything
        got.push({ index: item.index, bytes });
      },
    );
    expect(pool.inThreadBecause).toBeNull();
    expect(pool.parallel).toBe(2);
    expect(got.map((g) => g.index)).toEqual(jobs.map((_, i) => i));
    for (const [i, job] of jobs.entries()) {
      expect(got[i]?.bytes.equals(await renderPicture(job))).toBe(true);
    }
    // different inputs, different pictures: the comparison above can tell them apart
    expect(got[0]?.bytes.equals(got[2]?.bytes ?? Buffer.alloc(0))).toBe(false);
  });

  it("passes a worker's refusal back as the same DomainError, and the pool carries on", async () => {
    const bad: PictureJob = { kind: 'certificate', input: { ...(certificate(1) as Extract<PictureJob, { kind: 'certificate' }>).input, issuer: ' ' } };
    const refused = pool.render(bad);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'INPUT_INVALID', message: '证书的发证单位（issuer）不能为空' });
    expect((await pool.render(certificate(2))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('stops at the first failure of renderInOrder, after the pictures before it', async () => {
    const jobs = [certificate(1), certificate(2), { kind: 'certificate', input: { ...(certificate(3) as Extract<PictureJob, { kind: 'certificate' }>).input, number: '' } } as PictureJob, certificate(4)];
    const done: number[] = [];
    await expect(renderInOrder(pool, jobs.map((job, index) => ({ job, index })), (item) => item.job, async (item) => void done.push(item.index))).rejects.toThrow('证书的证书编号（number）不能为空');
    expect(done).toEqual([0, 1]);
  });

  it('refuses work once closed', async () => {
    const closed = createRenderPool(1);
    await closed.close();
    await expect(closed.render(certificate(1))).rejects.toThrow('渲染线程池已关闭');
  });

  it('renders in this thread, the same pictures, when its workers cannot load their code', async () => {
    const broken = createRenderPool(2, () => new Worker("throw new Error('模块无法加载')", { eval: true }));
    try {
      const jobs = [scoreCard(1), certificate(2), scoreCard(3)];
      const bytes: Buffer[] = [];
      await renderInOrder(broken, jobs, (job) => job, async (_job, b) => void bytes.push(b));
      expect(broken.inThreadBecause).toContain('模块无法加载');
      expect(broken.parallel).toBe(1);
      for (const [i, job] of jobs.entries()) expect(bytes[i]?.equals(await renderPicture(job))).toBe(true);
    } finally {
      await broken.close();
    }
  });

  it('renders in this thread, the same pictures, when asked to', async () => {
    const here = inThreadRenderer('测试');
    expect(here.parallel).toBe(1);
    expect(here.inThreadBecause).toBe('测试');
    const bytes: Buffer[] = [];
    await renderInOrder(here, [scoreCard(1), scoreCard(2)], (job) => job, async (_job, b) => void bytes.push(b));
    expect(bytes[0]?.equals(await renderPicture(scoreCard(1)))).toBe(true);
    expect(bytes[1]?.equals(await renderPicture(scoreCard(2)))).toBe(true);
  });
});
