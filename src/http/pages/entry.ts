/**
 * The street clerk's score entry (/entry): the projects of the clerk's street in an open round, a
 * score and a note per project typed into one table or uploaded as a file, and the online survey's
 * progress for those projects. A refused save shows the table again as typed, the bad rows marked.
 */
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import archiver from 'archiver';
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal } from '../../app/accounts';
import { importRoundData } from '../../app/import-round-data';
import { listRounds } from '../../app/rounds';
import { enterStreetScores, streetProjects } from '../../app/score-entry';
import { issueSurveyCodes, writeSurveyLetterFiles } from '../../app/survey-codes';
import { DomainError, type FieldProblem } from '../../domain/errors';
import { acceptsEntries } from '../../domain/round-lifecycle';
import { authOf, checkCsrf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { asDomainError, statusOf } from '../error-handler';
import { checkFieldsOnce } from '../form-fields';
import { doneNotice, doneQuery } from '../notice';
import { STREET_SCORE_WRITERS } from '../policy';
import { uploadMiddleware } from '../uploads';
import { errorView, optionalText, pageKit, parseForm, problemsOf, repeatedField } from './kit';
import { surveyPanel } from './survey-panel';

/** The entry table: one project, score and note per row, sent as repeated fields in row order. */
const EntryTableForm = z.object({ project: repeatedField, score: repeatedField, note: repeatedField });
const LABELS = { project: '项目', score: '评分', note: '备注', deadline: '作答截止日期' };

/** Issuing codes from the page: one project of the clerk's street or all of them, and the date printed as the deadline. */
const SurveyCodesForm = z.object({
  project: optionalText(40),
  deadline: optionalText(20).refine((v) => v === undefined || /^\d{4}-\d{2}-\d{2}$/.test(v), { error: '请写成 2025-06-20 这样的年-月-日' }),
});

interface TypedRow {
  projectCode: string;
  score: string;
  note: string;
  /** The row of the page's table, counted from 1. */
  tableRow: number;
}

/** What the clerk typed in the entry table, per project, so a refused save shows it again. */
function typedEntries(body: unknown): TypedRow[] {
  const { project, score, note } = parseForm(body, EntryTableForm, LABELS);
  return project.map((projectCode, i) => ({ projectCode, score: score[i] ?? '', note: note[i] ?? '', tableRow: i + 1 }));
}

export function entryPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  const upload = uploadMiddleware(deps.uploadMaxBytes);
  const { form, render, pageUser, formPost } = pageKit(r, views);

  const entry = async (req: Request, res: Response, user: Principal, extra: { round?: string; error?: DomainError; notice?: string; typed?: Record<string, { score: string; note: string; invalid: boolean }> } = {}, status = 200) => {
    const open = (await listRounds(ctx(res))).filter((x) => acceptsEntries(x.status) && x.kind === 'half');
    const wanted = extra.round ?? (typeof req.query.round === 'string' ? req.query.round : undefined);
    const round = open.find((x) => x.code === wanted)?.code ?? open[open.length - 1]?.code ?? null;
    const street = user.role === 'street' ? user.street : null;
    const projects = round ? await streetProjects(ctx(res), round, { street }) : [];
    const survey = round ? await surveyPanel(ctx(res), round, street) : null;
    render(
      res,
      'entry.njk',
      {
        survey,
        title: '街道评分录入',
        rounds: open,
        round,
        street,
        streetName: user.streetName,
        projects,
        scored: projects.filter((p) => p.score !== null).length,
        notice: extra.notice,
        error: errorView(extra.error),
        typed: extra.typed ?? {},
      },
      status,
    );
  };

  r.get('/entry', async (req, res) => {
    const user = pageUser(req, res, STREET_SCORE_WRITERS);
    if (user) await entry(req, res, user, { notice: doneNotice(req, res) });
  });

  formPost(
    '/entry/:code/scores',
    STREET_SCORE_WRITERS,
    async (req, res, user) => {
      const code = String(req.params.code);
      const kept = typedEntries(req.body).filter((e) => e.score.trim() !== '');
      const entries = kept.map((e) => ({ projectCode: e.projectCode, score: e.score, note: e.note || null }));
      try {
        const out = await enterStreetScores(ctx(res), code, entries, { street: user.role === 'street' ? user.street : null });
        return `/entry?round=${encodeURIComponent(code)}&${doneQuery(res, `已保存 ${out.entered} 个项目的评分${out.replaced ? `（更正 ${out.replaced} 个）` : ''}`)}`;
      } catch (e) {
        // The use case numbers the scores it was given; the page numbers the rows of its table.
        const error = asDomainError(e);
        if (Array.isArray(error.details)) {
          const details = (error.details as FieldProblem[]).map((p) => (typeof p.row === 'number' ? { ...p, row: kept[p.row - 1]?.tableRow ?? p.row } : p));
          throw new DomainError(error.code, error.message, details);
        }
        throw error;
      }
    },
    (req, res, user, error, status) => {
      const bad = new Set(problemsOf(error).map((p) => p.row));
      let rows: TypedRow[] = [];
      try {
        rows = typedEntries(req.body);
      } catch {
        // A table that could not be read at all is shown empty, with the error above it.
      }
      const typed = Object.fromEntries(rows.map((e) => [e.projectCode, { score: e.score, note: e.note, invalid: bad.has(e.tableRow) }]));
      return entry(req, res, user, { round: String(req.params.code), error, typed }, status);
    },
    { repeatable: ['project', 'score', 'note'] },
  );

  /**
   * Household codes for the clerk's own projects (SPEC §10), delivered at once as a ZIP of the A4
   * letters and codes.csv: the codes are stored only as keyed hashes, so this download is the only
   * copy. The ZIP is written inside the issuing transaction, so a download cut off midway leaves the
   * old codes valid and the new ones uncommitted.
   */
  r.post('/entry/:code/survey-codes', form, async (req, res) => {
    const user = pageUser(req, res, STREET_SCORE_WRITERS);
    if (!user) return;
    checkCsrf(req, res);
    const code = String(req.params.code);
    try {
      checkFieldsOnce(req.body);
      const { project, deadline } = parseForm(req.body, SurveyCodesForm, LABELS);
      const street = user.role === 'street' && user.street ? user.street : undefined;
      await issueSurveyCodes(ctx(res), { round: code, street, project, deadline }, async (issued, trx) => {
        const name = `${code}-${project ?? user.streetName ?? '全市'}-户码通知`;
        res.status(200).attachment(`${name}.zip`).type('application/zip');
        const zip = archiver('zip', { zlib: { level: 6 } });
        zip.pipe(res);
        const pdf = new PassThrough();
        zip.append(pdf, { name: `${name}.pdf` });
        const { csv } = await writeSurveyLetterFiles(issued, trx, pdf);
        zip.append(csv, { name: `${code}-codes.csv` });
        await zip.finalize();
        await finished(res);
      });
    } catch (e) {
      const error = asDomainError(e);
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      await entry(req, res, user, { round: code, error }, statusOf(error));
    }
  });

  r.post(
    '/entry/:code/upload',
    (req, res, next) => {
      if (pageUser(req, res, STREET_SCORE_WRITERS)) next();
    },
    upload,
    async (req, res) => {
      const user = authOf(res).user as Principal;
      checkCsrf(req, res);
      const code = String(req.params.code);
      try {
        if (!req.file) throw new DomainError('INPUT_INVALID', '请选择要上传的文件。');
        const out = await importRoundData(ctx(res), code, 'street', req.file.path, user.role === 'street' && user.street ? { streetScope: user.street } : {});
        res.redirect(303, `/entry?round=${encodeURIComponent(code)}&${doneQuery(res, `已导入 ${out.rows} 行街道评分${out.replaced ? `（更正 ${out.replaced} 个）` : ''}`)}`);
      } catch (e) {
        const error = asDomainError(e);
        await entry(req, res, user, { round: code, error }, statusOf(error));
      }
    },
  );

  return r;
}
