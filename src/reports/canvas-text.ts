/** Text on a canvas for cards and certificates: fit a line to a width, wrap Chinese text (no spaces to break at). */
import { type SKRSContext2D } from '@napi-rs/canvas';
import { font } from './render-chart';

/** The largest size ≤ `size` (down to `min`) at which `text` fits `maxWidth`; sets ctx.font to it. */
export function fitFont(ctx: SKRSContext2D, text: string, maxWidth: number, size: number, weight: 'normal' | 'bold' = 'normal', min = 16): number {
  let px = size;
  ctx.font = font(px, weight);
  while (px > min && ctx.measureText(text).width > maxWidth) {
    px -= 2;
    ctx.font = font(px, weight);
  }
  return px;
}

/** Splits `text` into lines no wider than `maxWidth` in the current ctx.font, character by character. */
export function wrapText(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const char of text) {
    if (char === '\n') {
      lines.push(line);
      line = '';
      continue;
    }
    if (line !== '' && ctx.measureText(line + char).width > maxWidth) {
      lines.push(line);
      line = char;
    } else {
      line += char;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
