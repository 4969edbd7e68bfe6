/**
 * Form posts are parsed without nesting (`extended: false`): a field sent twice arrives as an array.
 * Only a multi-row form (the street clerk's score list) sends fields repeatedly; anywhere else a
 * repeated field is a hand-made or broken request, refused as bad input naming the field.
 */
import { DomainError } from '../domain/errors';

export function checkFieldsOnce(body: unknown, repeatable: readonly string[] = []): void {
  if (body === null || typeof body !== 'object') return;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value) && !repeatable.includes(name)) {
      throw new DomainError('INPUT_INVALID', `表单字段「${name}」出现了 ${String(value.length)} 次，每个字段只能提交一次。`, [{ row: null, column: name, message: '字段重复' }]);
    }
  }
}
