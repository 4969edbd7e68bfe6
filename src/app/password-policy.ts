/**
 * What a new password must be (NIST SP 800-63B, as a bureau's IT person would expect): at least
 * 12 characters, and not one that appears in lists of leaked passwords. The list is zxcvbn-ts's
 * common-password dictionary (about 49,000 passwords), with the patterns Chinese users favour that
 * it lacks. No rules about character classes: length and rarity are what make a password strong.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../domain/errors';

export const PASSWORD_MIN_LENGTH = 12;

/** Common in China and missing from the international list: pinyin words, dates of love, QQ habits. */
const CHINESE_COMMON = [
  'woaini', 'woaini1314', 'woaini520', 'woaini521', 'aini1314', '5201314', '1314520', '520520', '1314521', '5211314',
  'qq123456', 'qq5201314', 'wangyang', 'zhangwei', 'wangwei', 'liwei', 'zhangjie', 'lijing', 'wanglei', 'liuyang',
  'woaiwojia', 'zhongguo', 'beijing', 'shanghai', 'shenzhen', 'guangzhou', 'hongheibang', 'zhujianju', 'wuye', 'wuyegongsi',
  'admin', 'administrator', 'root', 'guest', 'test', 'mima', 'mima123', 'mimamima', 'nihao', 'nihao123', 'huanying',
] as const;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!common) {
    const list = (dictionary as Record<string, readonly string[]>)['passwords-common'] ?? [];
    common = new Set([...list, ...CHINESE_COMMON].map((p) => p.toLowerCase()));
  }
  return common;
}

/**
 * The password, or a refusal saying why in Chinese (field `password`). A password is refused when it
 * is short, when it (lower-cased) is a common one, when it is only digits and symbols, when only digits and
 * symbols surround a common word (Password2025!), when it contains the account name, or when it is a few characters repeated.
 */
export function checkNewPassword(password: string, accountName: string): string {
  const refuse = (why: string): never => {
    throw new DomainError('INPUT_INVALID', `密码不符合要求：${why}`, { field: 'password' });
  };
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) refuse(`至少 ${PASSWORD_MIN_LENGTH} 个字符（现在 ${chars.length} 个）。可以用一句好记的话，例如几个词连在一起。`);
  if (chars.length > 256) refuse('最多 256 个字符。');
  const lower = password.toLowerCase();
  const list = commonPasswords();
  const core = lower.replace(/[\d\p{P}\p{S}\s]+/gu, '');
  if (core === '') refuse('不能只有数字和符号（这样的密码常是电话号码或日期，容易被猜中）。');
  if (list.has(lower) || list.has(core)) refuse('这是常见密码或常见密码加数字、符号，容易被猜中，请换一个。');
  const name = accountName.trim().toLowerCase();
  if (name.length >= 3 && lower.includes(name)) refuse('不能包含用户名。');
  if (new Set(chars).size < 5) refuse('重复的字符太多，请换一个。');
  return password;
}
