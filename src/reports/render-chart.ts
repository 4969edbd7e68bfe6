/**
 * Server-side Chart.js on @napi-rs/canvas: one canvas per chart, the chart destroyed once its
 * pixels have been used. The CJK font comes from the npm package @embedpdf/fonts-sc (Noto Sans
 * Hans) and is registered once under our own family name, so a server without any Chinese font
 * draws 物业 and not boxes. Animations and responsiveness are off: a chart is drawn once, fully,
 * at the size asked for.
 */
import path from 'node:path';
import { type Canvas, createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type * as ChartJs from 'chart.js' with { 'resolution-mode': 'import' };
import type { ChartConfiguration, ChartType, DefaultDataPoint, Plugin } from 'chart.js' with { 'resolution-mode': 'import' };
import { DomainError } from '../domain/errors';
import { encodeCanvasPng } from './png';

// chart.js ships ESM types but a CommonJS build (`exports.require`): TypeScript refuses a value
// import of an ESM-typed package from CommonJS, so the value comes through require, typed by the ESM types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Chart, registerables } = require('chart.js') as typeof ChartJs;

/** The family every text of our charts, score cards and certificates is drawn with. */
export const FONT_FAMILY = 'HhbNotoSansSC';

let ready = false;

/** Folder of the Noto Sans Hans OTF files. The package exports no `./package.json`, so resolve its main entry. */
export function fontFolder(): string {
  const main = require.resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(main), '..', 'fonts');
}

/** Registers the CJK font (regular and bold) and Chart.js's components, once per process. */
export function ensureChartSetup(): void {
  if (ready) return;
  const folder = fontFolder();
  for (const file of ['NotoSansHans-Regular.otf', 'NotoSansHans-Bold.otf']) {
    const loaded = GlobalFonts.registerFromPath(path.join(folder, file), FONT_FAMILY);
    if (!loaded) {
      throw new DomainError('INTERNAL', `无法加载中文字体：${path.join(folder, file)}（请确认已安装 npm 包 @embedpdf/fonts-sc）`);
    }
  }
  Chart.register(...registerables);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#222222';
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.devicePixelRatio = 1;
  Chart.defaults.events = [];
  ready = true;
}

/** A CSS font string in our family: `font(16, 'bold')` → `bold 16px HhbNotoSansSC`. */
export function font(sizePx: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight} ${sizePx}px ${FONT_FAMILY}`;
}

/** Paints the background before Chart.js draws (a PNG is otherwise transparent). */
const whiteBackground: Plugin = {
  id: 'hhbBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

export interface ChartSize {
  width: number;
  height: number;
}

/**
 * Draws `config` on a fresh canvas of `size`, hands the canvas to `use` (encode it, or copy it into
 * a larger picture) and destroys the chart afterwards, whatever `use` does.
 */
export async function withChart<TType extends ChartType, TData = DefaultDataPoint<TType>, TLabel = unknown, TResult = void>(
  config: ChartConfiguration<TType, TData, TLabel>,
  size: ChartSize,
  use: (canvas: Canvas) => Promise<TResult> | TResult,
): Promise<TResult> {
  ensureChartSetup();
  const canvas = createCanvas(Math.round(size.width), Math.round(size.height));
  const context: SKRSContext2D = canvas.getContext('2d');
  const chart = new Chart<TType, TData, TLabel>(context, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1, events: [] },
    plugins: [whiteBackground as Plugin<TType>, ...(config.plugins ?? [])],
  } as ChartConfiguration<TType, TData, TLabel>);
  try {
    return await use(canvas);
  } finally {
    chart.destroy();
  }
}

/**
 * Lets the event loop turn once. @napi-rs/canvas frees the native pixel buffers of a canvas read
 * back (getImageData, data(), encodeSync) only from a finalizer that runs when the event loop turns;
 * a loop of renders chained by promises alone never turns it and grew to 1.9 GB over 200 charts of
 * 1760×600 here. Measured with one turn per render: flat at about 250 MB.
 */
export function releaseNativeMemory(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Draws `config` and encodes it as PNG. */
export async function renderChart<TType extends ChartType, TData = DefaultDataPoint<TType>, TLabel = unknown>(
  config: ChartConfiguration<TType, TData, TLabel>,
  size: ChartSize,
): Promise<Buffer> {
  const png = await withChart(config, size, encodeCanvasPng);
  await releaseNativeMemory();
  return png;
}
