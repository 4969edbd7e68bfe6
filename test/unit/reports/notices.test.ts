import { renderAnnouncement, renderRectificationNotice } from '../../../src/reports/notices';

const firm = (over: Partial<{ rank: number; name: string; uscc: string; composite: number; reason: string }> = {}) => ({
  rank: 1,
  name: '示例物业',
  uscc: '91220284000000001X',
  composite: 9174,
  reason: '综合得分 91.74，位列前10%，列入红榜',
  ...over,
});

describe('notices', () => {
  it('announces the draft lists with the notice period and escapes every name', () => {
    const html = renderAnnouncement({
      roundCode: '2025-H1',
      issuer: '××市住房和城乡建设局',
      issuedOn: '2025-07-10',
      noticeEndsOn: '2025-07-17',
      ranked: 35,
      red: [firm()],
      black: [firm({ rank: 35, name: '<img src=x onerror=alert(1)>', composite: 5203, reason: '综合得分 52.03，位列倒数10%且低于60分，列入黑榜' })],
      watch: [],
      objectionsTo: '向市住建局物业科',
    });
    expect(html).toContain('关于2025年上半年度物业服务企业红黑榜评价结果的公示');
    expect(html).toContain('91.74');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('2025年7月17日');
    expect(html).toContain('二〇二五年七月十日');
    expect(html).toMatch(/拟列入重点监管企业（0 家）[\s\S]*<td colspan="5">无<\/td>/);
  });

  it('writes a rectification notice with its number, reasons, deadline and re-inspection date', () => {
    const html = renderRectificationNotice({
      roundCode: '2025-H2',
      number: '2025-H2-ZG-001',
      firmName: '正阳物业',
      uscc: '91220284003375700M',
      rank: 35,
      ranked: 35,
      composite: 5768,
      reasons: ['综合得分 57.68，位列倒数10%且低于60分，列入黑榜'],
      issuedOn: '2026-01-20',
      deadline: '2026-02-19',
      reinspectBy: '2026-03-06',
      consecutiveBlack: 2,
      issuer: '××市住房和城乡建设局',
    });
    expect(html).toContain('编号：2025-H2-ZG-001');
    expect(html).toContain('正阳物业（统一社会信用代码：91220284003375700M）');
    expect(html).toContain('2025年下半年度');
    expect(html).toContain('57.68');
    expect(html).toContain('于 2026年2月19日 前完成整改');
    expect(html).toContain('于 2026年3月6日 前组织复查');
    expect(html).toContain('连续 2 个半年度');
  });
});
