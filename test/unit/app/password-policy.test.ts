/**
 * What a new password must be, without a database: each refusal with its reason, and the passwords
 * a careful clerk would choose accepted.
 */
import { DomainError } from '../../../src/domain/errors';
import { PASSWORD_MIN_LENGTH, checkNewPassword } from '../../../src/app/password-policy';

function refusal(password: string, name = '王科长'): string {
  try {
    checkNewPassword(password, name);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('INPUT_INVALID');
    expect((e as DomainError).details).toEqual({ field: 'password' });
    return (e as DomainError).message;
  }
  throw new Error(`accepted: ${password}`);
}

describe('a new password', () => {
  it.each([
    ['short', 'abcdefghijk', `至少 ${PASSWORD_MIN_LENGTH} 个字符（现在 11 个）`],
    ['counted in characters, not bytes', '物业评价很好用的', '现在 8 个'],
    ['too long', 'a'.repeat(200) + 'bcdefghijklmnopqrstuvwxyz'.repeat(3), '最多 256 个字符'],
    ['only digits (a phone number)', '13812345678901', '不能只有数字和符号'],
    ['only digits and symbols (a date)', '2025-07-20!!##', '不能只有数字和符号'],
    ['on the common list', 'qwertyuiop123', '常见密码'],
    ['a common word with digits around it', 'Password2025!', '常见密码'],
    ['a pinyin favourite with digits', 'woaini1314520', '常见密码'],
    ['the product name with digits', 'hongheibang2025', '常见密码'],
    ['containing the account name', 'zhangsan-is-great', '不能包含用户名'],
    ['a few characters repeated', 'abababababab', '重复的字符太多'],
  ])('is refused when %s', (_why, password, message) => {
    expect(refusal(password, 'zhangsan')).toContain(message);
  });

  it('says the rule in Chinese, starting with what is wrong', () => {
    expect(refusal('short')).toMatch(/^密码不符合要求：至少 12 个字符/);
  });

  it.each([
    ['a passphrase of words', 'correct horse battery staple'],
    ['a Chinese sentence', '东宁街道的物业每月评一次分'],
    ['mixed with digits', 'Lanzhou-beef-noodles-2025'],
    ['exactly the minimum length', 'kx7#pq2!mz9w'],
  ])('is accepted when it is %s', (_why, password) => {
    expect(checkNewPassword(password, 'zhangsan')).toBe(password);
  });

  it('allows a short account name inside it (names under 3 characters are not searched for)', () => {
    expect(checkNewPassword('lizi-orchard-valley', 'li')).toBe('lizi-orchard-valley');
    expect(refusal('my-name-is-liwei-ok', 'liwei')).toContain('不能包含用户名');
  });
});
