import { ANSWER_HUNDREDTHS, answerToHundredths } from '../../../src/domain/answers';

describe('answerToHundredths', () => {
  it.each([
    ['非常满意', 10000],
    ['满意', 8000],
    ['一般', 6000],
    ['不满意', 4000],
    ['非常不满意', 2000],
    [' 满意 ', 8000],
  ])('scores %s as %i hundredths', (text, expected) => {
    expect(answerToHundredths(text)).toBe(expected);
  });

  it.each([['很满意'], [''], ['80'], ['toString'], ['constructor'], ['满 意']])('gives null for %j', (text) => {
    expect(answerToHundredths(text)).toBeNull();
  });

  it('has exactly the five levels', () => {
    expect(Object.keys(ANSWER_HUNDREDTHS)).toEqual(['非常满意', '满意', '一般', '不满意', '非常不满意']);
  });
});
