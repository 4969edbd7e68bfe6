/**
 * Loading a rule document: zod validation with every problem turned into a Chinese message naming
 * the key path (`规则无效：weights.resident 必须为正数`), thrown as DomainError('RULES_INVALID').
 */
import type { z } from 'zod';
import { type Rules } from '../domain/rules';
import { DomainError } from '../domain/errors';
import { rulesSchema } from './schema';

export interface RulesProblem {
  /** Key path, e.g. "weights.resident", "survey.bands[2].margin". */
  path: string;
  message: string;
}

export function parseRules(json: unknown): Rules {
  const parsed = rulesSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap(describeIssue);
  const first = problems[0];
  throw new DomainError('RULES_INVALID', `规则无效：${problems.map((p) => `${p.path || '规则文档'} ${p.message}`).join('；')}`, {
    path: first?.path ?? '',
    problems,
  });
}

export function defaultRules(): Rules {
  return parseRules({});
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

const TYPE_NAMES: Record<string, string> = {
  number: '数字',
  boolean: '布尔值（true 或 false）',
  string: '字符串',
  object: '对象',
  array: '数组',
  null: 'null',
};

function describeIssue(issue: z.core.$ZodIssue): RulesProblem[] {
  const path = pathText(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: path === '' ? key : `${path}.${key}`, message: '是未知的键' }));
    case 'invalid_type':
      if (issue.expected === 'number' && issue.input !== undefined && typeof issue.input === 'number') {
        return [{ path, message: '必须为有限数字' }];
      }
      if (issue.expected === 'int') return [{ path, message: '必须为整数' }];
      return [{ path, message: `类型错误，应为${TYPE_NAMES[issue.expected] ?? issue.expected}` }];
    case 'too_small':
      if (issue.origin === 'array') return [{ path, message: `至少需要 ${String(issue.minimum)} 项` }];
      if (issue.origin === 'string') return [{ path, message: '不能为空' }];
      if (Number(issue.minimum) === 0 && !issue.inclusive) return [{ path, message: '必须为正数' }];
      return [{ path, message: `不得小于 ${String(issue.minimum)}` }];
    case 'too_big':
      if (issue.origin === 'array') return [{ path, message: `最多 ${String(issue.maximum)} 项` }];
      if (issue.origin === 'string') return [{ path, message: `最长 ${String(issue.maximum)} 个字符` }];
      return [{ path, message: issue.inclusive ? `不得大于 ${String(issue.maximum)}` : `必须小于 ${String(issue.maximum)}` }];
    case 'invalid_value':
      return [{ path, message: `必须是 ${issue.values.map((v) => String(v)).join('、')} 之一` }];
    case 'custom':
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: `无效（${issue.message}）` }];
  }
}
