import fc from 'fast-check';
import { USCC_AS_NUMBER_HELP, parseDate, parseInteger, parseMean, parsePoints, parseProjectKind, parseScore, parseSeverity, parseUscc, parseYesNo } from '../../../src/imports/values';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T | string => (r.ok ? r.value : `!${r.message}`);

describe('parseScore', () => {
  it('reads plain digits as it reads the same value with spaces around it (the full reading), whatever they are', () => {
    const digitsAndDots = fc.stringMatching(/^[0-9.%+-]{0,8}$/);
    const score = fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('', '.', '0')).map(([i, d, tail]) => `${i}.${d}${tail}`);
    fc.assert(
      fc.property(fc.oneof(digitsAndDots, score, fc.integer({ min: 0, max: 1000 }).map(String)), (text) => {
        expect(parseScore(text)).toEqual(parseScore(` ${text} `));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['0', 0],
    ['100', 10000],
    ['100.00', 10000],
    ['85', 8500],
    ['85.5', 8550],
    ['85.50', 8550],
    ['85.05', 8505],
    ['85.000', 8500],
    ['085.1', 8510],
    [' 92.25 ', 9225],
    ['８５．５', 8550], // full-width, typed with a Chinese IME
    ['0.01', 1],
    ['99.99', 9999],
  ])('reads %j as %i hundredths, exactly', (text, expected) => {
    expect(value(parseScore(text))).toBe(expected);
  });

  it.each([['九十'], ['-1'], ['100.001'], ['100.01'], ['101'], ['NaN'], [''], ['1e2'], ['85,5'], ['.5'], ['Infinity'], ['0x10'], ['1000']])(
    'refuses %j: 得分必须是 0–100 之间的数字',
    (text) => {
      expect(value(parseScore(text))).toBe(`!得分必须是 0–100 之间的数字，${text === '' ? '单元格为空' : `读到的是「${text}」`}`);
    },
  );

  it.each([['85.005'], ['0.001'], ['99.999']])('refuses %j: 最多两位小数', (text) => {
    expect(value(parseScore(text))).toBe(`!得分最多两位小数，读到的是「${text}」`);
  });

  it('names the field it reads', () => {
    expect(value(parseScore('x', '平均分'))).toBe('!平均分必须是 0–100 之间的数字，读到的是「x」');
  });
});

describe('parsePoints', () => {
  it('reads deduction points from 0 (the NONE item) to 100', () => {
    expect(value(parsePoints('2.5'))).toBe(250);
    expect(value(parsePoints('0'))).toBe(0);
    expect(value(parsePoints('-2'))).toBe('!扣分必须是 0–100 之间的数字，读到的是「-2」');
    expect(value(parsePoints('101'))).toBe('!扣分必须是 0–100 之间的数字，读到的是「101」');
    expect(value(parsePoints('1.255'))).toBe('!扣分最多两位小数，读到的是「1.255」');
  });
});

describe('parseInteger', () => {
  it.each([
    ['1200', 1, 1200],
    ['1,200', 1, 1200],
    ['1200.0', 1, 1200],
    ['0', 0, 0],
    ['１２', 1, 12],
  ] as const)('reads %j (min %i) as %i', (text, min, expected) => {
    expect(value(parseInteger(text, min, '户数'))).toBe(expected);
  });

  it.each([['0'], ['-3'], ['12.5'], [''], ['一千'], ['1,20']])('refuses households %j', (text) => {
    expect(value(parseInteger(text, 1, '户数'))).toBe(`!户数必须是大于 0 的整数，${text === '' ? '单元格为空' : `读到的是「${text}」`}`);
  });

  it('refuses a negative count with its own message', () => {
    expect(value(parseInteger('-1', 0, '投诉数'))).toBe('!投诉数必须是不小于 0 的整数，读到的是「-1」');
  });
});

describe('parseDate', () => {
  it.each([
    ['2025-03-01', '2025-03-01'],
    ['2025/3/1', '2025-03-01'],
    ['2025.3.1', '2025-03-01'],
    ['2025年3月1日', '2025-03-01'],
    ['2025年03月01号', '2025-03-01'],
    ['20250301', '2025-03-01'],
    ['2025-03-01 14:30', '2025-03-01'],
    ['2025-03-01T14:30:00', '2025-03-01'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %j as %s', (text, iso) => {
    expect(value(parseDate(text))).toBe(iso);
  });

  it.each([['3/1/2025'], ['2025-3'], ['明天'], [''], ['4571']])('refuses %j naming the formats', (text) => {
    expect(value(parseDate(text))).toBe('!日期无法识别：请使用 2025-03-01、2025/3/1、2025年3月1日 或 20250301 的格式');
  });

  it.each([['2025-02-29'], ['2025-13-01'], ['20250230'], ['1899-12-31']])('refuses the impossible date %j', (text) => {
    expect(value(parseDate(text))).toBe(`!日期 ${text} 不存在或超出范围`);
  });
});

describe('yes/no, severity, kind, USCC', () => {
  it.each([
    ['是', true],
    ['否', false],
    ['YES', true],
    ['no', false],
    ['True', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['', false],
  ])('reads veto %j as %s', (text, expected) => {
    expect(value(parseYesNo(text))).toBe(expected);
  });

  it('refuses another veto value', () => {
    expect(value(parseYesNo('可能'))).toBe('!一票否决只能填写 是 或 否（或 yes/no、true/false、1/0）');
  });

  it('reads severity with minor as the default', () => {
    expect([parseSeverity(''), parseSeverity('严重'), parseSeverity('Serious'), parseSeverity('一般')].map(value)).toEqual([
      'minor',
      'serious',
      'serious',
      'minor',
    ]);
    expect(value(parseSeverity('很严重'))).toBe('!严重程度只能填写 一般 或 严重（或 minor、serious）');
  });

  it('reads project kinds in Chinese or English, empty as not given', () => {
    expect(['商品房', '老旧小区', '保障性住房', 'Commodity', 'old', 'affordable', ''].map((t) => value(parseProjectKind(t)))).toEqual([
      'commodity',
      'old',
      'affordable',
      'commodity',
      'old',
      'affordable',
      null,
    ]);
    expect(value(parseProjectKind('别墅'))).toBe('!类型只能填写 商品房、老旧小区、保障性住房（或 commodity、old、affordable）');
  });

  it('upper-cases a USCC and explains a wrong one', () => {
    expect(value(parseUscc(' 91350100m000100y43 '))).toBe('91350100M000100Y43');
    expect(value(parseUscc('91350100M000100Y42'))).toBe('!统一社会信用代码 91350100M000100Y42 无效：校验码错误，应为 3');
    expect(value(parseUscc(''))).toBe('!统一社会信用代码不能为空');
  });
});

describe('how values are read (percent cells, exact means, USCCs Excel changed)', () => {
  it.each([
    ['85%', '得分', '得分 85% 是百分比格式：请填写 85（不带 %），并把单元格格式设为「常规」或「数值」'],
    ['92.5%', '得分', '得分 92.5% 是百分比格式：请填写 92.5（不带 %），并把单元格格式设为「常规」或「数值」'],
    ['85 ％', '平均分', '平均分 85% 是百分比格式：请填写 85（不带 %），并把单元格格式设为「常规」或「数值」'],
  ])('refuses the percentage %j as a %s, saying what to type', (text, label, message) => {
    expect(value(parseScore(text, label))).toBe(`!${message}`);
    expect(value(parseMean(text, label))).toBe(`!${message}`);
  });

  it('refuses a percentage as a count too', () => {
    expect(value(parseInteger('50%', 1, '有效样本数'))).toBe('!有效样本数 50% 是百分比格式：请填写 50（不带 %），并把单元格格式设为「常规」或「数值」');
  });

  it.each([
    ['78.6666666666667', 7867, '78.6666666666667'],
    ['78.3333333333333', 7833, '78.3333333333333'],
    ['80', 8000, '80'],
    ['80.50', 8050, '80.5'],
    ['99.995', 10000, '99.995'],
    ['0.123456789012345', 12, '0.123456789012345'],
    ['100.000', 10000, '100'],
  ])('keeps the mean %j exactly as given (hundredths %i for display)', (text, hundredths, decimal) => {
    expect(value(parseMean(text))).toEqual({ hundredths, decimal });
  });

  it.each([
    ['100.0000000000001', '平均分必须是 0–100 之间的数字，读到的是「100.0000000000001」'],
    ['78.6666666666666667', '平均分最多 15 位小数，读到的是「78.6666666666666667」'],
    ['78.66666666666667', '平均分最多 15 位有效数字，读到的是「78.66666666666667」'],
    ['七十八', '平均分必须是 0–100 之间的数字，读到的是「七十八」'],
  ])('refuses the mean %j', (text, message) => {
    expect(value(parseMean(text))).toBe(`!${message}`);
  });

  it.each([['9.14403E+17'], ['9.14403001922038E+17'], ['914403001922038000'], ['913301000070001400']])(
    'says Excel turned the USCC %j into a number, and how to keep it as text',
    (text) => {
      expect(value(parseUscc(text))).toBe(
        `!统一社会信用代码 ${text.toUpperCase()} 像是被 Excel 转成了数字（Excel 只保留 15 位有效数字，末尾几位已改变）：${USCC_AS_NUMBER_HELP}`,
      );
    },
  );

  it('accepts a valid all-digit USCC, and one kept as text by a leading apostrophe', () => {
    expect(value(parseUscc('914403001922038216'))).toBe('914403001922038216');
    expect(value(parseUscc("'91350100M000100Y43"))).toBe('91350100M000100Y43');
  });

  it('still gives the check character for a mistyped code with letters', () => {
    expect(value(parseUscc('91350100M000100Y42'))).toBe('!统一社会信用代码 91350100M000100Y42 无效：校验码错误，应为 3');
  });
});

describe('a date whose cell format was lost', () => {
  it('names the Excel day number and the date it stands for, and refuses it', () => {
    expect(value(parseDate('45731'))).toBe('!日期 45731 是 Excel 的日期序号（即 2025-03-15），单元格不是日期格式：请把该列设为「日期」格式，或直接填写 2025-03-15');
    expect(value(parseDate('12345'))).toBe('!日期无法识别：请使用 2025-03-01、2025/3/1、2025年3月1日 或 20250301 的格式');
  });
});
