import type { Command } from 'commander';
import { SETTING_KEYS, SETTING_LABELS, readSettings, setSetting, settingCommand, surveyBaseUrlSetting } from '../../src/app/settings';
import { withApp } from '../app';
import { type CliIo, printJson, println } from '../io';
import type { Globals } from '../program';

/** An instant as the bureau reads it, in China time: 2025年7月20日 09:00. */
function chinaDateTime(iso: string): string {
  const cst = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${Number(cst.slice(0, 4))}年${Number(cst.slice(5, 7))}月${Number(cst.slice(8, 10))}日 ${cst.slice(11, 16)}`;
}

export function registerSettings(program: Command, io: CliIo, globals: Globals): void {
  const settings = program.command('settings').description('系统设置：发文单位（issuer）和城市名称（city），印在每份通知书和证书上');
  settings
    .command('set <key> <value>')
    .description('设置 issuer（发文单位，如 磐石市住房和城乡建设局）、city（城市名称，如 磐石市）或 base_url（扫码评价网址，如 https://wuye.panshi.gov.cn）；记入审计日志')
    .action(async (key: string, value: string) => {
      const out = await withApp(io, globals(), (ctx) => setSetting(ctx, key, value));
      const label = SETTING_LABELS[out.key];
      if (!out.changed) return println(io.stdout, `${label}已是「${out.value}」，未作更改。`);
      println(io.stdout, out.previous === null ? `已设置${label}：${out.value}` : `已将${label}由「${out.previous}」改为「${out.value}」。`);
    });
  settings
    .command('show')
    .description('显示当前设置')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      const { s, url } = await withApp(io, globals(), async (ctx) => ({ s: await readSettings(ctx), url: await surveyBaseUrlSetting(ctx) }));
      if (opts.json) return printJson(io, s);
      for (const key of SETTING_KEYS) {
        const v = s[key];
        const label = `${SETTING_LABELS[key]}（${key}）`;
        if (v.value === null) println(io.stdout, `${label}：未设置（运行 ${settingCommand(key)}）`);
        else println(io.stdout, `${label}：${v.value}（${v.updatedBy} 于 ${chinaDateTime(v.updatedAt as string)} 设置）`);
      }
      // The survey's address is not printed on documents: shown here, kept out of the JSON of the document settings.
      const label = `${SETTING_LABELS.base_url}（base_url，扫码评价）`;
      if (url.value === null) println(io.stdout, `${label}：未设置（运行 ${settingCommand('base_url')}）`);
      else println(io.stdout, `${label}：${url.value}（${url.updatedBy} 于 ${chinaDateTime(url.updatedAt as string)} 设置）`);
    });
}
