/**
 * 荣誉证书: the certificate image of a red-listed firm, drawn on one canvas (no Chart.js: it is not a
 * chart). A4 landscape proportions at about 136 dpi, for printing or publishing.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { DomainError } from '../domain/errors';
import { fitFont } from './canvas-text';
import { chineseDate, periodLabel } from './labels';
import { encodeCanvasPng } from './png';
import { ensureChartSetup, font, releaseNativeMemory } from './render-chart';

export interface CertificateInput {
  firmName: string;
  uscc: string;
  /** e.g. '2025-H1' → "2025年上半年度". */
  roundCode: string;
  /** 证书编号 */
  number: string;
  /** ISO date, e.g. '2025-07-20'. */
  issuedOn: string;
  /** 发证单位; default '××市住房和城乡建设局'. */
  issuer?: string;
}

export const CERTIFICATE_SIZE = { width: 1600, height: 1130 } as const;
const RED = '#b22222';
const GOLD = '#c9a227';

function required(value: string, field: string, label: string): string {
  const text = value.trim();
  if (text === '') throw new DomainError('INPUT_INVALID', `证书的${label}（${field}）不能为空`, { field });
  return text;
}

function frame(ctx: SKRSContext2D, width: number, height: number): void {
  ctx.fillStyle = '#fffdf5';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = RED;
  ctx.lineWidth = 16;
  ctx.strokeRect(32, 32, width - 64, height - 64);
  ctx.strokeStyle = GOLD;
  ctx.lineWidth = 3;
  ctx.strokeRect(60, 60, width - 120, height - 120);
  ctx.lineWidth = 1.5;
  ctx.strokeRect(70, 70, width - 140, height - 140);
  ctx.fillStyle = GOLD;
  for (const [x, y] of [[60, 60], [width - 60, 60], [60, height - 60], [width - 60, height - 60]] as const) {
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate(Math.PI / 4);
    ctx.fillRect(-14, -14, 28, 28);
    ctx.restore();
  }
}

function centered(ctx: SKRSContext2D, text: string, y: number, size: number, weight: 'normal' | 'bold', color: string, maxWidth: number): void {
  fitFont(ctx, text, maxWidth, size, weight);
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.fillText(text, CERTIFICATE_SIZE.width / 2, y);
}

/** Draws the certificate "授予 {企业} {周期}物业服务质量评价红榜企业" with its number and date; PNG. */
export async function renderCertificate(input: CertificateInput): Promise<Buffer> {
  ensureChartSetup();
  const firmName = required(input.firmName, 'firmName', '企业名称');
  const uscc = required(input.uscc, 'uscc', '统一社会信用代码');
  const number = required(input.number, 'number', '证书编号');
  const period = periodLabel(input.roundCode);
  const date = chineseDate(input.issuedOn, '发证日期 issuedOn');
  const issuer = input.issuer?.trim() || '××市住房和城乡建设局';

  const { width, height } = CERTIFICATE_SIZE;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  frame(ctx, width, height);

  ctx.textBaseline = 'alphabetic';
  centered(ctx, '荣 誉 证 书', 250, 112, 'bold', RED, 1200);
  centered(ctx, '授予', 390, 40, 'normal', '#222222', 1200);
  centered(ctx, firmName, 490, 64, 'bold', '#111111', 1280);
  const nameWidth = Math.min(1280, ctx.measureText(firmName).width);
  ctx.strokeStyle = '#444444';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo((width - nameWidth) / 2 - 20, 512);
  ctx.lineTo((width + nameWidth) / 2 + 20, 512);
  ctx.stroke();
  centered(ctx, `统一社会信用代码：${uscc}`, 565, 26, 'normal', '#555555', 1200);
  centered(ctx, `${period}物业服务质量评价红榜企业`, 670, 52, 'bold', RED, 1300);
  centered(ctx, '特发此证，以资鼓励。', 760, 34, 'normal', '#222222', 1200);

  ctx.textAlign = 'left';
  ctx.fillStyle = '#333333';
  fitFont(ctx, `证书编号：${number}`, 620, 28);
  ctx.fillText(`证书编号：${number}`, 140, 985);

  ctx.textAlign = 'right';
  ctx.fillStyle = '#222222';
  fitFont(ctx, issuer, 620, 36);
  ctx.fillText(issuer, width - 140, 920);
  ctx.font = font(30);
  ctx.fillText(date, width - 140, 985);

  const png = encodeCanvasPng(canvas);
  await releaseNativeMemory();
  return png;
}
