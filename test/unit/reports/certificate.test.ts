import { DomainError } from '../../../src/domain/errors';
import { CERTIFICATE_PAGE, renderCertificate } from '../../../src/reports/certificate';
import { pdfFonts, pdfInfo, pdfText, squeeze, tempDir, writeTemp } from './office-files';

const input = {
  firmName: '磐石市安居物业服务有限公司',
  uscc: '91220284000000001X',
  roundCode: '2025-H1',
  number: 'HHB-2025-H1-001',
  issuedOn: '2025-07-20',
  issuer: '磐石市住房和城乡建设局',
};

describe('renderCertificate (荣誉证书 as A4 PDF)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('is one A4 page of real text: firm, USCC, period, issuer, China date and number read back with pdftotext', async () => {
    const file = writeTemp(tmp.dir, 'one.pdf', await renderCertificate(input));
    const info = pdfInfo(file);
    expect(info.Pages).toBe('1');
    expect(info['Page size']).toBe('595.28 x 841.89 pts (A4)');
    expect(CERTIFICATE_PAGE).toEqual({ width: 595.28, height: 841.89 });
    expect(info.Title).toBe('荣誉证书 磐石市安居物业服务有限公司');
    const text = pdfText(file);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toContain('荣誉证书');
    expect(lines).toContain('磐石市安居物业服务有限公司');
    expect(lines).toContain('统一社会信用代码：91220284000000001X');
    expect(lines).toContain('2025年上半年度物业服务质量评价');
    expect(lines).toContain('红榜企业');
    expect(lines).toContain('磐石市住房和城乡建设局');
    expect(lines).toContain('2025年7月20日');
    expect(lines).toContain('证书编号：HHB-2025-H1-001');
    expect(text).not.toMatch(/××|T\d\d:\d\d/);
  });

  it('embeds the bundled CJK font as a subset with a Unicode map, so it prints anywhere and stays small', async () => {
    const pdf = await renderCertificate(input);
    const file = writeTemp(tmp.dir, 'fonts.pdf', pdf);
    const fonts = pdfFonts(file);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['NotoSansHans-Bold', 'NotoSansHans-Regular']);
    for (const f of fonts) expect(f).toMatchObject({ embedded: true, subset: true, unicode: true });
    // The full Noto Sans SC fonts are 16 MB each; a subset of the few dozen glyphs used is a fraction of that.
    expect(pdf.length).toBeLessThan(400_000);
  });

  it('is the same file for the same input (dates inside are the issue date, not the time of writing)', async () => {
    const a = await renderCertificate(input);
    const b = await renderCertificate(input);
    const strip = (buf: Buffer) => buf.toString('latin1').replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');
    expect(strip(a)).toBe(strip(b));
    const info = pdfInfo(writeTemp(tmp.dir, 'same.pdf', a));
    expect(new Date(`${info.CreationDate} UTC`).toISOString()).toBe('2025-07-19T16:00:00.000Z'); // 2025-07-20 00:00 China time
  });

  it('shrinks a very long firm name onto one line instead of cutting it', async () => {
    const long = '磐石市某某街道办事处辖区内老旧小区综合整治后续长效管理物业服务有限责任公司';
    const file = writeTemp(tmp.dir, 'long.pdf', await renderCertificate({ ...input, firmName: long }));
    expect(pdfText(file).split('\n').map((l) => l.trim())).toContain(long);
  });

  it('refuses a round code it cannot turn into a period', async () => {
    await expect(renderCertificate({ ...input, roundCode: '2025' })).rejects.toThrow(DomainError);
    await expect(renderCertificate({ ...input, roundCode: '2025' })).rejects.toThrow('评价周期编号“2025”无效');
  });

  it('refuses an empty certificate number or issuer, naming the field', async () => {
    await expect(renderCertificate({ ...input, number: ' ' })).rejects.toThrow('证书的证书编号（number）不能为空');
    await expect(renderCertificate({ ...input, issuer: '' })).rejects.toThrow('证书的发证单位（issuer）不能为空');
  });

  it('squeezes text for comparisons', () => {
    expect(squeeze(' 2025 年 7 月\n20 日 ')).toBe('2025年7月20日');
  });
});
