/**
 * The survey progress panel's view lists the projects the anomaly report flags (SPEC §10: the
 * dashboard lists them as the CLI does), each with its reasons and the command that excludes their
 * answers; nothing of it when none is flagged or the page passes no report (a street's page).
 */
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { type OnlineAnswerFact, surveyAnomalies } from '../../src/domain/survey-anomalies';

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(__dirname, '..', '..', 'src', 'http', 'views')), { autoescape: true });
const panel = { codes: 60, online: 50, projects: [], projectCount: 2, firms: 1, short: [], shortCount: 0, comments: [] };

describe('the survey progress view', () => {
  const start = Date.parse('2025-03-02T13:00:00Z');
  const facts: OnlineAnswerFact[] = [
    // <B&1>: 22 answers 20 seconds apart; CALM: 28 an hour apart, each its own way and address.
    ...Array.from({ length: 22 }, (_, i) => ({ projectCode: '<B&1>', at: start + i * 20_000, pattern: `b${i}`, addressHash: `b${i}` })),
    ...Array.from({ length: 28 }, (_, i) => ({ projectCode: 'CALM', at: start + i * 3_600_000, pattern: `c${i}`, addressHash: `c${i}` })),
  ];

  it('lists each flagged project with its reasons, escaped, and how to exclude its answers', () => {
    const html = env.render('survey-progress.njk', { survey: { ...panel, anomalies: surveyAnomalies(facts) } });
    expect(html).toContain('疑似刷票（1 个项目）');
    expect(html).toContain('<li data-project="&lt;B&amp;1&gt;">&lt;B&amp;1&gt;（22 份）：2025-03-02 21:00 起 10 分钟内集中提交 22 份（≥ 20 份）</li>');
    expect(html).not.toContain('data-project="CALM"');
    expect(html).toContain('hhb survey exclude &lt;周期&gt; &lt;项目编号&gt; --reason');
  });

  it('shows no such list when nothing is flagged or no report is given', () => {
    expect(env.render('survey-progress.njk', { survey: { ...panel, anomalies: surveyAnomalies(facts.filter((f) => f.projectCode === 'CALM')) } })).not.toContain('疑似刷票');
    const street = env.render('survey-progress.njk', { survey: panel });
    expect(street).toContain('扫码评价进度');
    expect(street).not.toContain('疑似刷票');
  });
});
