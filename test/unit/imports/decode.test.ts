import iconv from 'iconv-lite';
import { type Charset, ENCODING_PROBLEM, decodeText, utf8Prefix } from '../../../src/imports/decode';

async function decode(chunks: Buffer[]): Promise<{ charset: Charset | null; text: string }> {
  let charset: Charset | null = null;
  let text = '';
  for await (const t of decodeText(chunks, (c) => (charset = c))) text += t;
  return { charset, text };
}

const split = (bytes: Buffer, size: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};

const TEXT = '项目编号,项目名称,户数\r\nP001,幸福家园·东区（一期）,1200\r\nP002,锦绣花园,860\r\n';

describe('decodeText', () => {
  it('reads UTF-8 without BOM', async () => {
    expect(await decode([Buffer.from(TEXT)])).toEqual({ charset: 'utf-8', text: TEXT });
  });

  it('reads UTF-8 with BOM and drops the BOM', async () => {
    expect(await decode([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])])).toEqual({ charset: 'utf-8', text: TEXT });
  });

  it('reads GBK as written by Excel on Chinese Windows', async () => {
    expect(await decode([iconv.encode(TEXT, 'gbk')])).toEqual({ charset: 'gb18030', text: TEXT });
  });

  it('reads GB18030 four-byte characters (𠮷, €)', async () => {
    const text = '名称\n𠮷野家€\n';
    expect(await decode([iconv.encode(text, 'gb18030')])).toEqual({ charset: 'gb18030', text });
  });

  it.each([1, 2, 3, 5, 7])('joins characters split across %i-byte chunks in every encoding', async (size) => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]);
    expect((await decode(split(Buffer.from(TEXT), size))).text).toBe(TEXT);
    expect((await decode(split(bom, size))).text).toBe(TEXT);
    expect((await decode(split(iconv.encode(TEXT, 'gbk'), size))).text).toBe(TEXT);
  });

  it('decides GBK when the first Chinese character comes after 1 MB of ASCII', async () => {
    const text = `${'code,name\n'}${'A001,abc\n'.repeat(120_000)}P002,锦绣花园\n`;
    const result = await decode(split(iconv.encode(text, 'gbk'), 65536));
    expect(result.charset).toBe('gb18030');
    expect(result.text).toBe(text);
  });

  it('leaves a pure ASCII file undecided and unchanged', async () => {
    expect(await decode([Buffer.from('a,b\n1,2\n')])).toEqual({ charset: null, text: 'a,b\n1,2\n' });
    expect(await decode([Buffer.from('a')])).toEqual({ charset: null, text: 'a' });
    expect(await decode([])).toEqual({ charset: null, text: '' });
  });

  it('refuses a file that starts in UTF-8 and goes on in GBK after the window', async () => {
    const bytes = Buffer.concat([Buffer.from(`项目编号\n${'幸福家园\n'.repeat(20_000)}`), iconv.encode('锦绣花园\n', 'gbk')]);
    await expect(decode(split(bytes, 65536))).rejects.toThrow(ENCODING_PROBLEM);
  });

  it('refuses a file that mixes UTF-8 and GBK within the first lines', async () => {
    const bytes = Buffer.concat([Buffer.from('项目编号,项目名称\n'), iconv.encode('P001,锦绣花园\n', 'gbk')]);
    await expect(decode([bytes])).rejects.toThrow(ENCODING_PROBLEM);
  });

  it('refuses UTF-16 (Excel "Unicode text") and binary files', async () => {
    await expect(decode([Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('项目', 'utf16le')])])).rejects.toThrow(ENCODING_PROBLEM);
    await expect(decode([Buffer.from('a\u0000b\u0000')])).rejects.toThrow(ENCODING_PROBLEM);
  });

  it('refuses bytes that GB18030 cannot map', async () => {
    await expect(decode([Buffer.from([0x61, 0xff, 0xff, 0x62])])).rejects.toThrow(ENCODING_PROBLEM);
  });

  it('refuses a UTF-8 file cut in the middle of a character', async () => {
    const bytes = Buffer.from(TEXT + '张');
    await expect(decode([bytes.subarray(0, bytes.length - 1)])).rejects.toThrow(ENCODING_PROBLEM);
  });
});

describe('utf8Prefix', () => {
  it('counts the characters before the first bad byte', () => {
    expect(utf8Prefix(Buffer.from('中文abc'), true)).toEqual({ valid: true, characters: 2 });
    expect(utf8Prefix(Buffer.concat([Buffer.from('中文'), Buffer.from([0xd5, 0xc5])]), true)).toEqual({ valid: false, characters: 2 });
    expect(utf8Prefix(Buffer.from([0xe4, 0xb8]), false)).toEqual({ valid: true, characters: 0 });
    expect(utf8Prefix(Buffer.from([0xe4, 0xb8]), true)).toEqual({ valid: false, characters: 0 });
    expect(utf8Prefix(Buffer.from([0xed, 0xa0, 0x80]), true).valid).toBe(false); // a UTF-16 surrogate
    expect(utf8Prefix(Buffer.from([0xc0, 0xaf]), true).valid).toBe(false); // overlong
  });
});
