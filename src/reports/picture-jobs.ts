/**
 * The pictures a report renders many of — a score card per firm, a certificate per red-listed firm —
 * described as plain data, so that the same description is rendered in this thread or handed to a
 * worker thread (render-pool.ts) and rendered there by the same code.
 */
import { type CertificateInput, renderCertificate } from './certificate';
import { type FirmHistoryPoint } from './report-data';
import { renderScoreCard, type ScoreCardFirm, type ScoreCardOptions } from './score-card';

export type PictureJob =
  | { kind: 'score-card'; firm: ScoreCardFirm; history: readonly FirmHistoryPoint[]; options: ScoreCardOptions }
  | { kind: 'certificate'; input: CertificateInput };

/** The PNG of a score card or the PDF of a certificate. */
export function renderPicture(job: PictureJob): Promise<Buffer> {
  switch (job.kind) {
    case 'score-card':
      return renderScoreCard(job.firm, job.history, job.options);
    case 'certificate':
      return renderCertificate(job.input);
  }
}
