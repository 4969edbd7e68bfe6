/**
 * A rule document read from a file, as `hhb rounds create --rules` and `hhb rounds simulate --rules`
 * take it: UTF-8 JSON (a BOM is allowed), validated by the rules schema with every problem naming
 * its key.
 */
import { readFile } from 'node:fs/promises';
import { DomainError } from '../domain/errors';
import type { Rules } from '../domain/rules';
import { parseRules } from '../rules';

export async function readRulesFile(path: string): Promise<Rules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DomainError('INPUT_INVALID', `无法读取规则文件 ${path}。`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new DomainError('RULES_INVALID', `规则文件 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  return parseRules(json);
}
