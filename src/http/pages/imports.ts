/**
 * Web uploads of every import (/imports) for the bureau and the regulators, as the command line
 * and the API take them: the round's data (each kind for the roles that may import it), and for the
 * bureau the master data (streets, firms, projects) and earlier published lists. One file a post;
 * all or nothing, and a refused file lists its row errors on the page.
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal, Role } from '../../app/accounts';
import { importHistory } from '../../app/history-import';
import { importMasterData } from '../../app/import-master-data';
import { type RoundDataKind, importRoundData } from '../../app/import-round-data';
import { listRounds } from '../../app/rounds';
import { DomainError } from '../../domain/errors';
import { acceptsEntries } from '../../domain/round-lifecycle';
import { authOf, checkCsrf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { asDomainError, statusOf } from '../error-handler';
import { doneNotice, doneQuery } from '../notice';
import { BUREAU, REGULATOR_WRITERS, ROUND_IMPORT_ROLES } from '../policy';
import { uploadMiddleware } from '../uploads';
import { errorView, pageRenderer, pageUser, parseForm } from './kit';

/** Each round-data kind: its name on the page and the template that goes with it. */
const ROUND_KINDS: { kind: RoundDataKind; label: string; template: string }[] = [
  { kind: 'regulator', label: '行管部门评分', template: 'regulator-scores' },
  { kind: 'deductions', label: '扣分表', template: 'deductions' },
  { kind: 'events', label: '违规事件', template: 'events' },
  { kind: 'street', label: '街道评分', template: 'street-scores' },
  { kind: 'resident', label: '居民满意度问卷（逐户）', template: 'survey-responses' },
  { kind: 'resident-summary', label: '居民满意度汇总', template: 'survey-summary' },
  { kind: 'complaints', label: '投诉', template: 'complaints' },
];
const MASTER_KINDS = [
  { kind: 'streets', label: '街道' },
  { kind: 'firms', label: '物业企业' },
  { kind: 'projects', label: '物业服务项目' },
] as const;

const IMPORTERS: readonly Role[] = REGULATOR_WRITERS;

const RoundForm = z.object({ _csrf: z.string(), round: z.string().max(20), kind: z.enum(ROUND_KINDS.map((k) => k.kind) as [RoundDataKind, ...RoundDataKind[]]) });
const FORM_LABELS = { round: '评价周期', kind: '数据类别', newStreets: '新建街道' };
const MasterForm = z.object({ _csrf: z.string(), kind: z.enum(['streets', 'firms', 'projects']), newStreets: z.literal('on').optional() });

export function importsPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const upload = uploadMiddleware(deps.uploadMaxBytes);
  const ctx = deps.ctxOf;

  const importer = (req: Request, res: Response): Principal | null => pageUser(req, res, IMPORTERS, '街道账号请在「街道评分录入」上传街道评分。');
  const render = pageRenderer(views);

  const page = async (res: Response, user: Principal, extra: { error?: DomainError; notice?: string; form?: string } = {}, status = 200) => {
    const rounds = (await listRounds(ctx(res))).filter((x) => acceptsEntries(x.status) && x.kind === 'half');
    const kinds = ROUND_KINDS.filter((k) => ROUND_IMPORT_ROLES[k.kind].includes(user.role));
    const error = errorView(extra.error);
    render(res, 'imports.njk', { title: '数据导入', rounds, kinds, masterKinds: BUREAU.includes(user.role) ? MASTER_KINDS : [], history: BUREAU.includes(user.role), error, errorForm: extra.form ?? null, notice: extra.notice }, status);
  };

  r.get('/imports', async (req, res) => {
    const user = importer(req, res);
    if (user) await page(res, user, { notice: doneNotice(req, res) });
  });

  /** One upload: role and CSRF checks, the import, then back to the page with its message or its errors. */
  const post = (path: string, form: string, act: (req: Request, res: Response, user: Principal, file: string) => Promise<string>) => {
    r.post(
      path,
      (req, res, next) => {
        if (importer(req, res)) next();
      },
      upload,
      async (req, res) => {
        const user = authOf(res).user as Principal;
        checkCsrf(req, res);
        try {
          if (!req.file) throw new DomainError('INPUT_INVALID', '请选择要上传的文件。', [{ row: null, column: 'file', message: '缺少文件' }]);
          const done = await act(req, res, user, req.file.path);
          res.redirect(303, `/imports?${doneQuery(res, done)}`);
        } catch (e) {
          const error = asDomainError(e);
          await page(res, user, { error, form }, statusOf(error));
        }
      },
    );
  };

  post('/imports/round', 'round', async (req, res, user, file) => {
    const body = parseForm(req.body, RoundForm, FORM_LABELS);
    const kind = body.kind;
    if (!ROUND_IMPORT_ROLES[kind].includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）不能导入「${ROUND_KINDS.find((k) => k.kind === kind)?.label ?? kind}」。`);
    const out = await importRoundData(ctx(res), body.round, kind, file);
    return `已导入 ${body.round} ${out.label} ${out.rows} 行${out.replaced ? `（更正 ${out.replaced} 行）` : ''}`;
  });
  post('/imports/master', 'master', async (req, res, user, file) => {
    if (!BUREAU.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）不能导入基础数据。`);
    const body = parseForm(req.body, MasterForm, FORM_LABELS);
    const kind = body.kind;
    const out = await importMasterData(ctx(res), kind, file, { newStreets: body.newStreets === 'on' });
    const label = MASTER_KINDS.find((k) => k.kind === kind)?.label ?? kind;
    return `已导入${label} ${out.rows} 行（新增 ${out.created}，更新 ${out.updated}）${out.newStreets?.length ? `；新建街道 ${out.newStreets.join('、')}` : ''}`;
  });
  post('/imports/history', 'history', async (_req, res, user, file) => {
    if (!BUREAU.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）不能导入历史榜单。`);
    const out = await importHistory(ctx(res), file);
    return `已导入历史榜单 ${out.rows} 行：${out.rounds.map((x) => `${x.code}（${x.firms} 家，红榜 ${x.red}、黑榜 ${x.black}）`).join('、')}`;
  });

  return r;
}
