/**
 * The admin's settings page (/settings): the issuing body and the city printed on every notice and
 * certificate, with who last changed each. The form saves both at once, all or nothing; a refused
 * value re-renders the form with the message, the field and the values as typed.
 */
import express, { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { SETTING_EXAMPLES, SETTING_KEYS, SETTING_LABELS, readSettings, setSettings } from '../../app/settings';
import type { DomainError } from '../../domain/errors';
import { chinaDateTime } from '../../reports/labels';
import { checkCsrf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { asDomainError, statusOf } from '../error-handler';
import { checkFieldsOnce } from '../form-fields';
import { doneNotice, doneQuery } from '../notice';
import { pageLocals } from '../page-locals';
import { ADMIN } from '../policy';
import { errorView, pageUser, parseForm } from './kit';

/** Every setting is one text field; an absent one is saved as empty, which the use case refuses by name. */
const SettingsForm = z.object(Object.fromEntries(SETTING_KEYS.map((k) => [k, z.string().max(200).default('')])) as Record<(typeof SETTING_KEYS)[number], z.ZodDefault<z.ZodString>>);

/** An instant as the bureau reads it, in China time: 2025年7月20日 09:00. */
export function settingsPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  const admin = (req: Request, res: Response): boolean => pageUser(req, res, ADMIN, '系统设置只有管理员可以修改。') !== null;

  const page = async (res: Response, extra: { notice?: string; error?: DomainError; typed?: Record<string, string> } = {}, status = 200) => {
    const settings = await readSettings(deps.ctxOf(res));
    const fields = SETTING_KEYS.map((key) => ({
      key,
      label: SETTING_LABELS[key],
      value: extra.typed?.[key] ?? settings[key].value ?? '',
      example: SETTING_EXAMPLES[key],
      set: settings[key].value !== null,
      changed: settings[key].updatedAt ? `${settings[key].updatedBy} 于 ${chinaDateTime(settings[key].updatedAt as string, '设置时间')} 设置` : null,
    }));
    res
      .status(status)
      .type('html')
      .send(views.render('settings.njk', { ...pageLocals(res), title: '系统设置', fields, notice: extra.notice, error: errorView(extra.error) }));
  };

  r.get('/settings', async (req, res) => {
    if (admin(req, res)) await page(res, { notice: doneNotice(req, res) });
  });

  r.post('/settings', form, async (req, res) => {
    if (!admin(req, res)) return;
    checkCsrf(req, res);
    checkFieldsOnce(req.body);
    const sent = req.body as Record<string, unknown> | undefined;
    const typed: Record<string, string> = Object.fromEntries(SETTING_KEYS.map((k) => [k, typeof sent?.[k] === 'string' ? sent[k] : '']));
    try {
      const saved = await setSettings(deps.ctxOf(res), parseForm(req.body, SettingsForm, SETTING_LABELS));
      const changed = saved.filter((s) => s.changed).map((s) => `${SETTING_LABELS[s.key]}：${s.value}`);
      res.redirect(303, `/settings?${doneQuery(res, changed.length ? `已保存 ${changed.join('；')}` : '设置没有变化')}`);
    } catch (e) {
      const error = asDomainError(e);
      await page(res, { error, typed }, statusOf(error));
    }
  });
  return r;
}
