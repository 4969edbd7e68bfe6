/**
 * The office documents of a round, written beside its report: once publicized the 公示公告, once
 * published a 整改通知书 per rectification and a 约谈通知 per interview (Word .docx under notices/),
 * and a 荣誉证书 per red-listed firm (A4 PDF under certificates/). Every one of them names the
 * issuer and the city from the settings: the plan is made, and refused while a setting is missing,
 * before anything of the report is written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { interviews as roundInterviews, rectifications as roundRectifications } from '../db/follow-up-repo';
import { getRound } from '../db/rounds-repo';
import type { ReportData } from '../reports/report-data';
import { inThreadRenderer, type PictureRenderer, renderInOrder } from '../reports/render-pool';
import { type AnnouncementFirm, renderAnnouncement, renderInterviewNotice, renderRectificationNotice } from '../reports/notices';
import { parseRules } from '../rules';
import { type AppContext, isoDateCst } from './context';
import { documentSettings } from './settings';

export interface DocumentPlan {
  /** How many files `write` produces (for the progress bar). */
  count: number;
  /** Certificates are rendered by `renderer` (the report's worker threads); by default in this thread. */
  write(outDir: string, onFile: (file: string, label: string) => void, renderer?: PictureRenderer): Promise<void>;
}

/** A file name safe on Windows and Unix from a firm's name. */
export function safeFileName(name: string): string {
  return [...name].map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch)).join('').slice(0, 80);
}

const cstDate = (iso: string | null): string | null => (iso === null ? null : isoDateCst(new Date(iso)));

export async function planDocuments(ctx: AppContext, code: string, data: ReportData): Promise<DocumentPlan> {
  const status = data.round.status;
  const notices = status === 'publicized' || status === 'published';
  if (!notices && data.certificates.length === 0) return { count: 0, write: async () => {} };
  const settings = await documentSettings(ctx);
  const round = await getRound(ctx.knex, code);
  const rules = parseRules(round.rules);
  const firms = new Map(data.result.firms.map((f) => [f.uscc, f]));
  const published = status === 'published';
  const rectifications = published ? await roundRectifications(ctx.knex, { roundId: round.id }) : [];
  const interviews = published ? await roundInterviews(ctx.knex, { roundId: round.id }) : [];
  const rectified = rectifications.filter((r) => firms.has(r.uscc));
  const summoned = interviews.filter((r) => firms.has(r.uscc));
  // Dates people read are the bureau's (China) dates, not the UTC date of an instant.
  const generatedOn = isoDateCst(new Date(data.generatedAt));
  const publishedOn = cstDate(data.round.publishedAt) ?? generatedOn;
  const publicizedOn = round.publicizedAt ? isoDateCst(new Date(round.publicizedAt)) : generatedOn;
  const w = rules.weights;

  return {
    count: (notices ? 1 : 0) + rectified.length + summoned.length + data.certificates.length,
    async write(outDir, onFile, renderer = inThreadRenderer('未给出渲染线程池')) {
      const dir = join(outDir, 'notices');
      if (notices) {
        await mkdir(dir, { recursive: true });
        const pick = (list: 'red' | 'black' | 'watch'): AnnouncementFirm[] =>
          data.result.firms.filter((f) => f.list === list).map((f) => ({ rank: f.rank, name: f.name, uscc: f.uscc, composite: f.composite, reason: f.reasons[0] ?? '' }));
        const file = join(dir, `${code}-公示公告.docx`);
        await writeFile(
          file,
          await renderAnnouncement({
            ...settings,
            roundCode: code,
            issuedOn: publicizedOn,
            noticeEndsOn: round.noticeEndsOn,
            ranked: data.result.ranked,
            weights: `${w.resident}:${w.regulator}:${w.street}`,
            red: pick('red'),
            black: pick('black'),
            watch: pick('watch'),
          }),
        );
        onFile(file, '公示公告');
      }
      let n = 0;
      for (const row of rectified) {
        const firm = firms.get(row.uscc);
        if (!firm) continue;
        n += 1;
        const number = `${code}-ZG-${String(n).padStart(3, '0')}`;
        const file = join(dir, `${number}-整改通知书-${safeFileName(firm.name)}.docx`);
        const docx = await renderRectificationNotice({
          ...settings,
          roundCode: code,
          number,
          firmName: firm.name,
          uscc: firm.uscc,
          rank: firm.rank,
          ranked: data.result.ranked,
          composite: firm.composite,
          reasons: firm.reasons,
          issuedOn: row.issuedOn,
          deadline: row.deadline,
          reinspectBy: row.reinspectBy,
          consecutiveBlack: rules.consequences.consecutiveBlack,
        });
        await writeFile(file, docx);
        onFile(file, `整改通知书 ${firm.name}`);
      }
      n = 0;
      for (const row of summoned) {
        const firm = firms.get(row.uscc);
        if (!firm) continue;
        n += 1;
        const number = `${code}-YT-${String(n).padStart(3, '0')}`;
        const file = join(dir, `${number}-约谈通知-${safeFileName(firm.name)}.docx`);
        const docx = await renderInterviewNotice({
          ...settings,
          roundCode: code,
          number,
          firmName: firm.name,
          uscc: firm.uscc,
          legalRep: row.legalRep,
          rank: firm.rank,
          ranked: data.result.ranked,
          composite: firm.composite,
          reasons: firm.reasons,
          issuedOn: row.scheduledOn ?? publishedOn,
        });
        await writeFile(file, docx);
        onFile(file, `约谈通知 ${firm.name}`);
      }
      if (data.certificates.length) await mkdir(join(outDir, 'certificates'), { recursive: true });
      await renderInOrder(
        renderer,
        data.certificates,
        (cert) => ({ kind: 'certificate', input: { firmName: firms.get(cert.uscc)?.name ?? cert.uscc, uscc: cert.uscc, roundCode: code, number: cert.number, issuedOn: publishedOn, issuer: settings.issuer } }),
        async (cert, pdf) => {
          const file = join(outDir, 'certificates', `${cert.number}.pdf`);
          await writeFile(file, pdf);
          onFile(file, `荣誉证书 ${cert.number}`);
        },
      );
    },
  };
}
