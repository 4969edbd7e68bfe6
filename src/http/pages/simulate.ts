/**
 * The bureau's what-if form (试算, SPEC §11) at /dashboard/simulate/<round>: the round's frozen
 * rules as editable JSON; posting it computes the round under the edited rules, stores nothing,
 * and shows each firm whose rank or list would change beside the latest computation, with the
 * reasons and fired rules of both. A refused document re-renders the form with the key it names
 * and the text as typed.
 */
import express, { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal } from '../../app/accounts';
import { roundRulesDocument, simulateRound, type Simulation } from '../../app/simulate';
import { ruleTitle } from '../../domain/explanation';
import { DomainError, type FieldProblem } from '../../domain/errors';
import { ruleValueText } from '../../rules/rules-diff';
import { checkCsrf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { asDomainError, statusOf } from '../error-handler';
import { checkFieldsOnce } from '../form-fields';
import { pageLocals } from '../page-locals';
import { BUREAU } from '../policy';
import { roundCode } from '../schemas';
import { pageUser, parseForm } from './kit';

const SimulateForm = z.object({ rules: z.string().default(''), force: z.string().max(10).optional() });

/** A rules document's problems (RULES_INVALID names each key) as the form's error list shows them. */
function problemsOf(error: DomainError): FieldProblem[] {
  const details = error.details as { problems?: { path: string; message: string }[] } | FieldProblem[] | null;
  if (Array.isArray(details)) return details.filter((d) => typeof d === 'object' && d !== null && 'message' in d);
  return (details?.problems ?? []).map((p) => ({ row: null, column: p.path || '规则文档', message: p.message }));
}

export function simulatePageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '256kb' });

  const bureau = (req: Request, res: Response): Principal | null => pageUser(req, res, BUREAU, '试算只有住建局可以使用。');
  const codeOf = (req: Request): string => {
    const parsed = roundCode.safeParse(req.params.code);
    if (!parsed.success) throw new DomainError('ROUND_CODE_INVALID', `评价周期编号「${String(req.params.code)}」无效：应为 YYYY-H1、YYYY-H2 或 YYYY-Y。`);
    return parsed.data;
  };

  const page = (res: Response, code: string, data: { text: string; force: boolean; simulation?: Simulation; error?: DomainError }, status = 200): void => {
    const s = data.simulation;
    res
      .status(status)
      .type('html')
      .send(
        views.render('simulate.njk', {
          ...pageLocals(res),
          title: `${code} 试算`,
          code,
          text: data.text,
          force: data.force,
          s,
          ruleChanges: s?.ruleChanges.map((d) => ({ path: d.path, before: ruleValueText(d.before), after: ruleValueText(d.after) })) ?? [],
          ruleTitle,
          error: data.error ? { message: data.error.message, problems: problemsOf(data.error) } : null,
        }),
      );
  };

  r.get('/dashboard/simulate/:code', async (req, res) => {
    if (!bureau(req, res)) return;
    const code = codeOf(req);
    const doc = await roundRulesDocument(deps.ctxOf(res), code);
    page(res, code, { text: JSON.stringify(doc.rules, null, 2), force: false });
  });

  r.post('/dashboard/simulate/:code', form, async (req, res) => {
    if (!bureau(req, res)) return;
    checkCsrf(req, res);
    const code = codeOf(req);
    // What was typed, to show again whatever happens (a repeated field shows its first copy).
    const sent = req.body as Record<string, unknown> | undefined;
    const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
    let text = typeof first(sent?.rules) === 'string' ? (first(sent?.rules) as string) : '';
    let force = first(sent?.force) === '1';
    try {
      checkFieldsOnce(req.body);
      const body = parseForm(req.body, SimulateForm, { rules: '规则', force: '强制计算' });
      text = body.rules;
      force = body.force === '1';
      let rules: unknown;
      try {
        rules = JSON.parse(text);
      } catch (e) {
        throw new DomainError('RULES_INVALID', `规则不是有效的 JSON：${(e as Error).message}`, [{ row: null, column: 'rules', message: '请检查括号、引号和逗号' }]);
      }
      page(res, code, { text, force, simulation: await simulateRound(deps.ctxOf(res), code, { rules, force }) });
    } catch (e) {
      const error = asDomainError(e);
      page(res, code, { text, force, error }, statusOf(error));
    }
  });
  return r;
}
