/**
 * GET/PUT /api/v1/settings (admin): the issuing body and the city printed on every notice and
 * certificate. A change is all or nothing and audited; a bad value is a 400 naming the field.
 */
import { Router } from 'express';
import { z } from 'zod';
import { readSettings, setSettings } from '../app/settings';
import type { ResolvedDeps } from './deps';
import { ADMIN } from './policy';
import { type RouteRegistry, route } from './route';

const settingValue = (description: string, example: string) =>
  z.string({ error: `${description}应为文字` }).max(200, `${description}过长`).optional().meta({ description, example });

export const SettingsBody = z.strictObject(
  {
    issuer: settingValue('发文单位（印在通知书和证书上）', '磐石市住房和城乡建设局'),
    city: settingValue('城市名称', '磐石市'),
  },
  { error: '只能设置 issuer（发文单位）和 city（城市名称）' },
);

const setting = z.object({
  value: z.string().nullable().meta({ description: '当前值；未设置为 null' }),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable().meta({ description: '最后修改时间（ISO 8601）' }),
});
export const SettingsResponse = z.object({ settings: z.object({ issuer: setting, city: setting }) });

export function settingsApiRouter(deps: ResolvedDeps, registry: RouteRegistry): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  route(r, registry, { method: 'get', path: '/settings', operationId: 'getSettings', summary: '系统设置：发文单位和城市名称', tags: ['系统设置'], access: ADMIN, response: SettingsResponse }, async (_i, _q, res) => ({
    settings: await readSettings(ctx(res)),
  }));
  route(
    r,
    registry,
    { method: 'put', path: '/settings', operationId: 'updateSettings', summary: '修改发文单位和（或）城市名称（全部成功或全部不写，记入审计日志）', tags: ['系统设置'], access: ADMIN, body: SettingsBody, response: SettingsResponse },
    async ({ body }, _q, res) => {
      await setSettings(ctx(res), body);
      return { settings: await readSettings(ctx(res)) };
    },
  );
  return r;
}
