import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { renderRoundCharts, renderScoreCard, streetAverages } from '../../../src/reports/charts';
import { encodeRgbaPng } from '../../../src/reports/png';
import { ensureChartSetup, FONT_FAMILY, renderChart } from '../../../src/reports/render-chart';
import { summarizeStreets } from '../../../src/reports/street-summary';
import { aFirmResult, aProject, aReportData } from './builders';

interface Decoded {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/** Decodes a PNG into straight RGBA pixels. */
async function decode(png: Buffer): Promise<Decoded> {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, pixels: ctx.getImageData(0, 0, image.width, image.height).data };
}

/** Pixels of a rectangle, row by row, as RGBA bytes. */
function region(image: Decoded, x: number, y: number, width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 4;
    out.set(image.pixels.subarray(start, start + width * 4), row * width * 4);
  }
  return out;
}

/** Pixels clearly darker than the white background. */
function ink(pixels: Buffer): number {
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if ((pixels[i] ?? 255) + (pixels[i + 1] ?? 255) + (pixels[i + 2] ?? 255) < 600) dark += 1;
  }
  return dark;
}

/** Rows of the image with at least `min` pixels of exactly `rgb`. */
function rowsOfColour(image: Decoded, rgb: readonly [number, number, number], min: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < image.height; y++) {
    let count = 0;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      if (image.pixels[i] === rgb[0] && image.pixels[i + 1] === rgb[1] && image.pixels[i + 2] === rgb[2]) count += 1;
    }
    if (count >= min) rows.push(y);
  }
  return rows;
}

const same = (a: Buffer, b: Buffer): boolean => a.equals(b);

/** A chart whose only text is its title, drawn through the same renderer as every report chart. */
async function titleOnly(text: string): Promise<Buffer> {
  const png = await renderChart(
    {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        plugins: { title: { display: true, text, font: { size: 40 } }, legend: { display: false } },
        scales: { x: { display: false }, y: { display: false } },
      },
    },
    { width: 300, height: 120 },
  );
  return region(await decode(png), 0, 0, 300, 70);
}

describe('chart text', () => {
  it('registers the CJK font from @embedpdf/fonts-sc under our family', () => {
    ensureChartSetup();
    expect(GlobalFonts.has(FONT_FAMILY)).toBe(true);
  });

  it('draws 物业 as real glyphs, not as the missing-glyph box or nothing', async () => {
    const wuye = await titleOnly('物业');
    const missing = await titleOnly('\uE000\uE000'); // private-use code points: no glyph in any font
    const wu = await titleOnly('物物');
    const ye = await titleOnly('业业');
    expect(ink(wuye)).toBeGreaterThan(200);
    expect(same(wuye, missing)).toBe(false);
    expect(same(wu, ye)).toBe(false);
    expect(same(wu, missing)).toBe(false);
    expect(same(ye, missing)).toBe(false);
    expect(same(wu, await titleOnly('物物'))).toBe(true); // the comparison itself is deterministic
  });
});

describe('encodeRgbaPng', () => {
  it('encodes exactly the pixels of the canvas', async () => {
    const canvas = createCanvas(64, 40);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 64, 40);
    ctx.fillStyle = '#d64541';
    ctx.fillRect(5, 5, 30, 20);
    ctx.fillStyle = '#2f2f2f';
    ctx.beginPath();
    ctx.arc(48, 24, 12, 0, Math.PI * 2);
    ctx.fill();
    const decoded = await decode(encodeRgbaPng(canvas.data(), 64, 40));
    expect(decoded.width).toBe(64);
    expect(decoded.height).toBe(40);
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(ctx.getImageData(0, 0, 64, 40).data))).toBe(true);
  });

  it('refuses a buffer that does not hold width × height pixels', () => {
    expect(() => encodeRgbaPng(new Uint8Array(10), 2, 2)).toThrow(RangeError);
  });
});

describe('renderRoundCharts', () => {
  it('renders the four charts of a round at their sizes', async () => {
    const charts = await renderRoundCharts(aReportData(['red', null, null, 'watch', 'black']));
    expect(charts.map((c) => c.name)).toEqual(['ranking.png', 'distribution.png', 'sources.png', 'streets.png']);
    const sizes = await Promise.all(charts.map(async (c) => decode(c.png).then((d) => [d.width, d.height])));
    expect(sizes).toEqual([
      [1000, 400],
      [1000, 560],
      [1000, 620],
      [1000, 560],
    ]);
  });

  it('draws the top and bottom 30 firms of a large round, coloured by list', async () => {
    const lists = Array.from({ length: 200 }, (_, i) => (i < 20 ? 'red' : i >= 180 ? 'black' : null) as 'red' | 'black' | null);
    const data = aReportData(lists);
    data.result.firms.forEach((firm, i) => (firm.composite = 9900 - i * 20));
    const [ranking] = await renderRoundCharts(data);
    if (!ranking) throw new Error('no chart');
    const image = await decode(ranking.png);
    expect([image.width, image.height]).toEqual([1000, 100 + 61 * 15]);
    // 20 red bars among the top 30, 20 black bars among the bottom 30
    const red = rowsOfColour(image, [0xd6, 0x45, 0x41], 100);
    const black = rowsOfColour(image, [0x2f, 0x2f, 0x2f], 100);
    expect(red.length).toBeGreaterThan(20 * 8);
    expect(black.length).toBeGreaterThan(20 * 8);
    expect(Math.max(...red)).toBeLessThan(image.height / 2);
    expect(Math.min(...black)).toBeGreaterThan(image.height / 2);
  });

  it('draws a year-end round\'s streets from its two half years\' projects', async () => {
    const h1 = aReportData(['red', null, 'black']);
    const h2 = aReportData([null, 'red', 'black']);
    const year = aReportData(['red', null, 'black'], {
      round: { ...h1.round, code: '2025-Y', kind: 'annual' },
      projects: [],
      halves: [
        { code: '2025-H1', firms: h1.result.firms, projects: h1.projects, regulator: h1.regulator, completeness: h1.completeness },
        { code: '2025-H2', firms: h2.result.firms, projects: h2.projects, regulator: h2.regulator, completeness: h2.completeness },
      ],
    });
    const streets = (await renderRoundCharts(year)).find((c) => c.name === 'streets.png');
    if (!streets) throw new Error('no streets chart');
    const image = await decode(streets.png);
    // resident bars (#4e79a7) and street bars (#59a14f) for both streets, not an empty chart
    expect(rowsOfColour(image, [0x4e, 0x79, 0xa7], 20).length).toBeGreaterThan(100);
    expect(rowsOfColour(image, [0x59, 0xa1, 0x4f], 20).length).toBeGreaterThan(100);
  });

  it('renders an empty round without failing', async () => {
    const charts = await renderRoundCharts(aReportData([]));
    expect(charts).toHaveLength(4);
  });
});

describe('streetAverages', () => {
  it('gives each street the same household-weighted means as the street summary, in the same order', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const projects = Array.from({ length: 3000 }, (_, i) =>
      aProject({
        code: `P${i}`,
        street: `第${next(40)}街道`,
        households: 1 + next(3000),
        resident: next(10) === 0 ? null : 4000 + next(6001),
        streetScore: next(7) === 0 ? null : 5000 + next(5001),
      }),
    );
    // a street whose projects have no resident score at all
    projects.push(aProject({ code: 'Q1', street: '无问卷街道', resident: null, streetScore: 8000 }));
    const expected = summarizeStreets(projects, []).map((s) => ({ street: s.street, resident: s.resident, streetScore: s.streetScore }));
    expect(streetAverages(projects)).toEqual(expected);
    expect(expected.find((s) => s.street === '无问卷街道')).toEqual({ street: '无问卷街道', resident: null, streetScore: 8000 });
  });

  it('rounds half up once, from the exact weighted mean', () => {
    // (1 × 8000 + 1 × 8001) / 2 = 8000.5 hundredths → 8001; (2 × 8000 + 1 × 8001) / 3 = 8000.33 → 8000
    expect(streetAverages([aProject({ street: 'A', households: 1, resident: 8000 }), aProject({ street: 'A', households: 1, resident: 8001 })])[0]?.resident).toBe(8001);
    expect(streetAverages([aProject({ street: 'B', households: 2, resident: 8000 }), aProject({ street: 'B', households: 1, resident: 8001 })])[0]?.resident).toBe(8000);
  });
});

describe('renderScoreCard', () => {
  it('draws a card 1000 px wide with the trend over rounds', async () => {
    const firm = aFirmResult({ list: 'red', reasons: ['综合得分 95.00，位列前10%且不低于85分'] });
    const history = [
      { roundCode: '2024-H1', rank: 5, composite: 8210, list: null },
      { roundCode: '2024-H2', rank: 2, composite: 8870, list: 'red' as const },
    ];
    const card = await decode(await renderScoreCard(firm, history, { roundCode: '2025-H1', rankedFirms: 35 }));
    expect(card.width).toBe(1000);
    expect(card.height).toBeGreaterThan(1100);
    // the header band is the red list's colour
    expect(Array.from(card.pixels.subarray(0, 3))).toEqual([0xd6, 0x45, 0x41]);
    const flat = await decode(await renderScoreCard(firm, [], { roundCode: '2025-H1' }));
    expect(same(region(card, 40, 700, 920, 380), region(flat, 40, 700, 920, 380))).toBe(false);
  });

  it('draws a card the same whatever card came before it, and the trend with its own data and cut-offs', async () => {
    const firm = aFirmResult({ list: 'black', composite: 4200 });
    const history = [
      { roundCode: '2024-H1', rank: 30, composite: 3900, list: 'black' as const },
      { roundCode: '2024-H2', rank: 31, composite: null, list: null },
    ];
    const first = await renderScoreCard(firm, history, { roundCode: '2025-H1' });
    // a taller card between the two (each thread draws its cards on one canvas, over the last one)
    const reasons = Array.from({ length: 12 }, (_, i) => `第 ${i + 1} 条理由：综合得分 99.00，位列前10%且不低于85分，列入红榜`);
    const other = await renderScoreCard(aFirmResult({ list: 'red', reasons }), [{ roundCode: '2024-H2', rank: 1, composite: 9900, list: 'red' }], { roundCode: '2025-H1', cutoffs: { red: 9000, black: 7000 } });
    expect((await decode(other)).height).toBeGreaterThan((await decode(first)).height);
    const again = await renderScoreCard(firm, history, { roundCode: '2025-H1' });
    expect(again.equals(first)).toBe(true);
    // and rendered at the same time in one thread
    const [both1, both2] = await Promise.all([renderScoreCard(firm, history, { roundCode: '2025-H1' }), renderScoreCard(aFirmResult({ list: 'red', reasons }), [{ roundCode: '2024-H2', rank: 1, composite: 9900, list: 'red' }], { roundCode: '2025-H1', cutoffs: { red: 9000, black: 7000 } })]);
    expect(both1.equals(first)).toBe(true);
    expect(both2.equals(other)).toBe(true);
    const trendOf = async (png: Buffer): Promise<Buffer> => region(await decode(png), 40, 700, 920, 380);
    expect((await trendOf(other)).equals(await trendOf(first))).toBe(false);
  });

  it("colours each round's point of the trend by that round's list", async () => {
    const firm = aFirmResult({ list: null, composite: 8000 });
    const exactly = (image: Decoded, rgb: readonly [number, number, number]): number => {
      let n = 0;
      for (let i = 0; i < image.pixels.length; i += 4) if (image.pixels[i] === rgb[0] && image.pixels[i + 1] === rgb[1] && image.pixels[i + 2] === rgb[2]) n += 1;
      return n;
    };
    const trend = async (list: 'red' | null): Promise<Decoded> => {
      const png = await renderScoreCard(firm, [{ roundCode: '2024-H2', rank: 2, composite: 7000, list }], { roundCode: '2025-H1' });
      const card = await decode(png);
      return { width: 920, height: 380, pixels: new Uint8ClampedArray(region(card, 40, 700, 920, 380)) };
    };
    const red = [0xd6, 0x45, 0x41] as const;
    // a filled point of radius 6.5 is about 130 pixels of exactly its colour
    expect(exactly(await trend('red'), red) - exactly(await trend(null), red)).toBeGreaterThan(100);
  });

  it('writes a missing source as 缺失, not as zero', async () => {
    const withScore = await decode(await renderScoreCard(aFirmResult(), []));
    const without = await decode(await renderScoreCard(aFirmResult({ scores: { resident: 8612, regulator: null, street: 8500 } }), []));
    expect(same(region(without, 0, 540, 1000, 50), region(withScore, 0, 540, 1000, 50))).toBe(false);
  });
});
