/**
 * The household letters as printed: two a page, each QR code drawn so that every module read back
 * from the rasterised page (pdftoppm) matches the code's URL as `qrcode` encodes it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import { renderSurveyLetters } from '../../src/reports/survey-letters';
import { pdfText, tempDir } from '../unit/reports/office-files';

const DPI = 288;
const PT = DPI / 72;

describe('survey letters', () => {
  it('draws each QR code module for module as qrcode encodes the letter’s URL', async () => {
    const codes = ['K7M4Q9TXA2', 'ZZ23456789'].map((code, i) => ({ projectCode: 'P9', projectName: '明湖小区', household: `3-2-20${i + 1}`, code, url: `https://wuye.example.gov.cn/s/${code}` }));
    const pdf = await renderSurveyLetters({ periodLabel: '2025年上半年', deadline: '2025-06-30', answerUrl: 'https://wuye.example.gov.cn/s', issuer: '磐石市住房和城乡建设局', householdLabel: '户号', codes });
    const { dir, remove } = tempDir();
    try {
      writeFileSync(join(dir, 'l.pdf'), pdf);
      expect(pdfText(join(dir, 'l.pdf'))).toContain('磐石市住房和城乡建设局');
      expect(pdfText(join(dir, 'l.pdf'))).toContain('户号：3-2-202');
      execFileSync('pdftoppm', ['-r', String(DPI), '-png', '-singlefile', join(dir, 'l.pdf'), join(dir, 'page')]);
      const image = await loadImage(readFileSync(join(dir, 'page.png')));
      const canvas = createCanvas(image.width, image.height);
      const g = canvas.getContext('2d');
      g.drawImage(image, 0, 0);
      const pixels = g.getImageData(0, 0, image.width, image.height);
      const dark = (x: number, y: number): boolean => (pixels.data[(Math.round(y) * image.width + Math.round(x)) * 4] ?? 255) < 128;
      for (const [i, c] of codes.entries()) {
        const { modules } = QRCode.create(c.url, { errorCorrectionLevel: 'M' });
        const size = 150;
        const cell = size / (modules.size + 4);
        const top = (i === 0 ? 0 : 841.89 / 2) + 130;
        let mismatches = 0;
        for (let row = 0; row < modules.size; row += 1) {
          for (let col = 0; col < modules.size; col += 1) {
            const x = (56 + (2 + col + 0.5) * cell) * PT;
            const y = (top + (2 + row + 0.5) * cell) * PT;
            if (dark(x, y) !== Boolean(modules.get(row, col))) mismatches += 1;
          }
        }
        expect(mismatches).toBe(0);
        // The quiet zone is white.
        expect(dark((56 + cell) * PT, (top + cell) * PT)).toBe(false);
      }
    } finally {
      remove();
    }
  });
});
