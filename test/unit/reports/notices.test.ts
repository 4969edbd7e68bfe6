/**
 * The notices as the bureau receives them: .docx files whose word/document.xml holds the text with
 * the fonts and the A4 page named, and which LibreOffice (a Word/WPS-class program) opens and prints.
 */
import { DomainError } from '../../../src/domain/errors';
import { type AnnouncementFirm, renderAnnouncement, renderInterviewNotice, renderRectificationNotice } from '../../../src/reports/notices';
import { convertWithLibreOffice, documentXml, docxRunText, pdfInfo, pdfText, squeeze, tempDir, writeTemp } from './office-files';

const SETTINGS = { issuer: '磐石市住房和城乡建设局', city: '磐石市' };

const firm = (over: Partial<AnnouncementFirm> = {}): AnnouncementFirm => ({
  rank: 1,
  name: '示例物业',
  uscc: '91220284000000001X',
  composite: 9174,
  reason: '综合得分 91.74，位列前10%，列入红榜',
  ...over,
});

const announcement = () =>
  renderAnnouncement({
    ...SETTINGS,
    roundCode: '2025-H1',
    issuedOn: '2025-07-10',
    noticeEndsOn: '2025-07-17',
    ranked: 35,
    weights: '5:3:2',
    red: [firm()],
    black: [firm({ rank: 35, name: '<恒通&物业>', uscc: '91220284000000002X', composite: 5203, reason: '综合得分 52.03，位列倒数10%且低于60分，列入黑榜' })],
    watch: [],
  });

const black = {
  ...SETTINGS,
  roundCode: '2025-H2',
  firmName: '正阳物业',
  uscc: '91220284003375700M',
  rank: 35,
  ranked: 35,
  composite: 5768,
  reasons: ['综合得分 57.68，位列倒数10%且低于60分，列入黑榜', '发生一票否决事项：挪用专项维修资金'],
  issuedOn: '2026-01-20',
};

const rectification = () => renderRectificationNotice({ ...black, number: '2025-H2-ZG-001', deadline: '2026-02-19', reinspectBy: '2026-03-06', consecutiveBlack: 2 });
const interview = (legalRep: string | null = '王建国') => renderInterviewNotice({ ...black, number: '2025-H2-YT-001', legalRep });

describe('notices as .docx', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('writes the 公示公告 with the city, the weights, the lists as tables, the notice period and the issuer', async () => {
    const file = writeTemp(tmp.dir, 'announcement.docx', await announcement());
    const xml = documentXml(file);
    const text = docxRunText(xml);
    expect(text).toContain('关于磐石市2025年上半年度物业服务企业红黑榜评价结果的公示');
    expect(text).toContain('磐石市物业服务企业红黑榜评价规则');
    expect(text).toContain('按 5:3:2 权重综合评价');
    expect(text).toContain('一、拟列入红榜企业（1 家）');
    expect(text).toContain('三、拟列入重点监管企业（0 家）');
    expect(text).toContain('公示期自 2025年7月10日 起至 2025年7月17日 止');
    expect(text).toContain('向磐石市住房和城乡建设局提出书面异议');
    expect(text).toContain('91.74');
    // A firm's name is text, escaped in the XML, never markup.
    expect(xml).toContain('&lt;恒通&amp;物业&gt;');
    expect(text).toContain('<恒通&物业>');
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(3);
    // The signature and the date close the document.
    expect(text.endsWith('磐石市住房和城乡建设局2025年7月10日')).toBe(true);
  });

  it('names the fonts of a government document and an A4 page in the docx', async () => {
    const file = writeTemp(tmp.dir, 'fonts.docx', await rectification());
    const xml = documentXml(file);
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(xml).toContain('w:eastAsia="黑体"');
    // A4 in twips (210 × 297 mm) with the 37/35/28/26 mm margins.
    expect(xml).toMatch(/<w:pgSz w:w="11907" w:h="16840"/);
    expect(xml).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1985" w:left="1588"/);
    // 三号 body (16 pt = 32 half-points) on a fixed 28 pt line, first line indented two characters.
    expect(xml).toContain('<w:sz w:val="32"/>');
    expect(xml).toContain('w:line="560" w:lineRule="exact"');
    expect(xml).toContain('w:firstLineChars="200"');
  });

  it('writes the 整改通知书 with the letterhead, number, addressee, reasons, deadline, re-inspection date and issuer', async () => {
    const text = docxRunText(documentXml(writeTemp(tmp.dir, 'zg.docx', await rectification())));
    expect(text.startsWith('磐石市住房和城乡建设局整改通知书编号：2025-H2-ZG-001')).toBe(true);
    expect(text).toContain('正阳物业（统一社会信用代码：91220284003375700M）：');
    expect(text).toContain('根据磐石市2025年下半年度物业服务企业红黑榜评价结果，你单位综合得分 57.68 分，在参与排名的 35 家企业中位列第 35 名，列入黑榜。');
    expect(text).toContain('1. 综合得分 57.68，位列倒数10%且低于60分，列入黑榜');
    expect(text).toContain('2. 发生一票否决事项：挪用专项维修资金');
    expect(text).toContain('于 2026年2月19日 前完成整改');
    expect(text).toContain('于 2026年3月6日 前组织复查');
    expect(text).toContain('连续 2 个半年度');
    expect(text.endsWith('磐石市住房和城乡建设局2026年1月20日')).toBe(true);
  });

  it('writes the 约谈通知 naming the legal representative when known, and the role alone when not', async () => {
    const named = docxRunText(documentXml(writeTemp(tmp.dir, 'yt.docx', await interview())));
    expect(named).toContain('约谈通知编号：2025-H2-YT-001');
    expect(named).toContain('你单位法定代表人王建国。');
    expect(named).toContain('依据磐石市物业服务企业红黑榜评价规则，我局决定对你单位进行约谈。');
    expect(named).toContain('2. 发生一票否决事项：挪用专项维修资金');
    const unnamed = docxRunText(documentXml(writeTemp(tmp.dir, 'yt2.docx', await interview(null))));
    expect(unnamed).toContain('你单位法定代表人。');
  });

  it('opens in LibreOffice: every notice converts to an A4 PDF that reads back with its text', async () => {
    const files = [
      writeTemp(tmp.dir, 'lo-announcement.docx', await announcement()),
      writeTemp(tmp.dir, 'lo-rectification.docx', await rectification()),
      writeTemp(tmp.dir, 'lo-interview.docx', await interview()),
    ];
    const [a, r, i] = convertWithLibreOffice(files, tmp.dir).map((pdf) => {
      expect(pdfInfo(pdf)['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)$/);
      return squeeze(pdfText(pdf));
    });
    expect(a).toContain('关于磐石市2025年上半年度物业服务企业红黑榜评价结果的公示');
    expect(a).toContain('<恒通&物业>');
    expect(a).toContain('91220284000000002X');
    expect(a).toContain('2025年7月10日');
    expect(r).toContain('整改通知书');
    expect(r).toContain('正阳物业（统一社会信用代码：91220284003375700M）');
    expect(r).toContain('于2026年2月19日前完成整改');
    expect(r).toContain('—1—');
    expect(i).toContain('约谈通知');
    expect(i).toContain('你单位法定代表人王建国');
    for (const t of [a, r, i]) {
      expect(t).toContain('磐石市住房和城乡建设局');
      expect(t).not.toMatch(/××|T\d\d:\d\d:\d\d/);
    }
  });

  it('refuses a notice without an issuer or a city, naming the field', async () => {
    await expect(renderRectificationNotice({ ...black, issuer: ' ', number: 'N', deadline: '2026-02-19', reinspectBy: '2026-03-06', consecutiveBlack: 2 })).rejects.toThrow('通知的发文单位（issuer）不能为空');
    await expect(renderInterviewNotice({ ...black, city: '', number: 'N', legalRep: null })).rejects.toThrow(DomainError);
    await expect(renderInterviewNotice({ ...black, city: '', number: 'N', legalRep: null })).rejects.toThrow('通知的城市名称（city）不能为空');
  });

  it('refuses a date it cannot read, naming the date', async () => {
    await expect(renderRectificationNotice({ ...black, number: 'N', deadline: '2026-13-01', reinspectBy: '2026-03-06', consecutiveBlack: 2 })).rejects.toThrow('整改期限“2026-13-01”不是有效日期');
  });
});
