/**
 * A household answers the online survey with its code (扫码评价, SPEC §10). No account: the code is
 * the credential. A wrong code counts against the caller's address (at most 10 in 15 minutes, then
 * every request from it is refused for the rest of the window); the address and user agent are
 * kept only as keyed hashes. The answer's score becomes the household's individual response —
 * the same form as a contractor's file, so compute reads it unchanged — and answering again with
 * the same code while the round is open replaces it. Answers with one code are stored one after
 * another (the code's row is locked), so fifty at once leave one answer.
 */
import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { countOne, databaseLimiter } from '../db/login-throttle-store';
import { type CodeRecord, findCodeByHash, hasOnlineAnswer, lockCodeAndRound, markCodeOpened, storeOnlineAnswer, surveySecret } from '../db/survey-codes-repo';
import { DomainError, type FieldProblem } from '../domain/errors';
import { type Questionnaire, DEFAULT_QUESTIONNAIRE, MAX_COMMENT_LENGTH, checkAnswers } from '../domain/survey-questionnaire';
import { getRound } from '../db/rounds-repo';
import type { Rules } from '../domain/rules';
import { parseRules } from '../rules';
import type { AppContext } from './context';
import { normalizeSurveyCode, surveyCodeHash } from './survey-codes';

/** Wrong codes allowed per address in the window before the address is refused (429). */
export const WRONG_CODES_PER_ADDRESS = 10;
export const WRONG_CODE_WINDOW_SECONDS = 15 * 60;

/** The counter of wrong codes per address, in the database (shared by every server process). */
export function surveyCodeLimiter(knex: Knex): RateLimiterPostgres {
  return databaseLimiter(knex, { keyPrefix: 'survey_code', points: WRONG_CODES_PER_ADDRESS, duration: WRONG_CODE_WINDOW_SECONDS });
}

/** Answers that do not fit the questionnaire: a 422 on the API, the form again on the page. */
export class SurveyAnswersInvalid extends DomainError {
  constructor(message: string, details: FieldProblem[]) {
    super('INPUT_INVALID', message, details);
  }
}

export interface SurveyAnswerInput {
  code: string;
  answers: Readonly<Record<string, unknown>>;
  comment?: string | null;
  /** The caller's network address (kept only as a keyed hash). */
  address: string;
  userAgent?: string | null;
}

export interface SurveyAnswerResult {
  round: string;
  project: string;
  projectName: string;
  replaced: boolean;
}

export interface SurveyCodeView {
  round: string;
  project: string;
  projectName: string;
  questionnaire: Questionnaire;
  /** The household has already answered (a new answer replaces it). */
  answered: boolean;
}

const keyed = (secret: Buffer, label: string, value: string): string => createHmac('sha256', secret).update(`${label}:${value}`).digest('hex');

/** The questionnaire of a round's rules (`survey.questionnaire`), or the default one when they name none. */
export function roundQuestionnaire(rules: Rules): Questionnaire {
  return rules.survey.questionnaire ?? DEFAULT_QUESTIONNAIRE;
}

/** Questionnaires by rules hash: a round's rules are frozen with it, so the hash names its questionnaire. */
const questionnaires = new Map<string, Questionnaire>();

/** The questionnaire of the code's round, its rules read once per rules hash. */
async function codeQuestionnaire(db: Knex | Knex.Transaction, code: CodeRecord): Promise<Questionnaire> {
  const known = questionnaires.get(code.rulesHash);
  if (known) return known;
  const q = roundQuestionnaire(parseRules((await getRound(db, code.roundCode)).rules));
  questionnaires.set(code.rulesHash, q);
  return q;
}

/** The wrong-code counter of an address, or a 429 while it has run out. */
async function refuseIfBlocked(limiter: RateLimiterPostgres, key: string): Promise<void> {
  const res = await limiter.get(key);
  if (res && res.consumedPoints >= WRONG_CODES_PER_ADDRESS) {
    const minutes = Math.max(1, Math.ceil(res.msBeforeNext / 60_000));
    throw new DomainError('RATE_LIMITED', `户码输错次数过多，请约 ${minutes} 分钟后再试。请对照通知书上的户码输入（不含数字 0、1 和字母 O、I、L）。`, {
      retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    });
  }
}

const wrongCode = (): DomainError =>
  new DomainError('FORBIDDEN', '户码无效或已作废：请核对通知书上的 10 位户码；如户码已重新发放，请使用新的通知书。', [{ row: null, column: 'code', message: '户码无效或已作废' }]);

const roundClosed = (round: string): DomainError => new DomainError('ROUND_STATE', `评价周期 ${round} 的问卷已截止，不再接受作答。感谢您的关注。`, { round });

/** The address not blocked (else 429) and the code well formed (else 400, counted against the address). */
async function wellFormedCode(db: Knex | Knex.Transaction, limiter: RateLimiterPostgres, rawCode: string, address: string): Promise<{ secret: Buffer; addressKey: string; normalized: string }> {
  const secret = await surveySecret(db);
  const addressKey = keyed(secret, 'address', address);
  await refuseIfBlocked(limiter, addressKey);
  const normalized = normalizeSurveyCode(rawCode);
  if (normalized === null) {
    await countOne(limiter, addressKey); // one more wrong code from this address
    throw new DomainError('INPUT_INVALID', '户码格式不对：户码是通知书上的 10 位字母和数字（不含数字 0、1 和字母 O、I、L），请核对后重新输入。', [
      { row: null, column: 'code', message: '不是 10 位户码' },
    ]);
  }
  return { secret, addressKey, normalized };
}

/**
 * The code's record for a resident: malformed (400) and unknown or revoked (403) codes count
 * against the address; a code of a round that is not open is refused (409).
 */
async function liveCode(db: Knex | Knex.Transaction, limiter: RateLimiterPostgres, rawCode: string, address: string): Promise<CodeRecord> {
  const { secret, addressKey, normalized } = await wellFormedCode(db, limiter, rawCode, address);
  const code = await findCodeByHash(db, surveyCodeHash(secret, normalized));
  if (code === null || code.revokedAt !== null) {
    await countOne(limiter, addressKey); // one more wrong code from this address
    throw wrongCode();
  }
  if (code.roundStatus !== 'open') throw roundClosed(code.roundCode);
  return code;
}

/**
 * What the page shows for a code: its project and the questionnaire (refusals as for answering).
 * `shown`: the page is about to show the questionnaire to the household — the moment is kept, so
 * the anomaly report can tell an answer submitted within seconds of it.
 */
export async function openSurveyCode(ctx: AppContext, limiter: RateLimiterPostgres, rawCode: string, address: string, opts: { shown?: boolean } = {}): Promise<SurveyCodeView> {
  const code = await liveCode(ctx.knex, limiter, rawCode, address);
  if (opts.shown) await markCodeOpened(ctx.knex, code.id, ctx.now());
  const answered = await hasOnlineAnswer(ctx.knex, { roundId: code.roundId, projectId: code.projectId, household: code.household });
  return { round: code.roundCode, project: code.projectCode, projectName: code.projectName, questionnaire: await codeQuestionnaire(ctx.knex, code), answered };
}

function checkComment(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
  const text = raw.replace(/\r\n?/g, '\n').trim();
  if (text === '') return null;
  const length = [...text].length;
  if (length > MAX_COMMENT_LENGTH) {
    throw new SurveyAnswersInvalid(`留言最多 ${MAX_COMMENT_LENGTH} 字，您写了 ${length} 字，请删减后提交。`, [{ row: null, column: 'comment', message: `超过 ${MAX_COMMENT_LENGTH} 字` }]);
  }
  return text;
}

/** Stores a household's answer (replacing its earlier one) and returns the round, the project and whether it replaced one. */
export async function submitSurveyAnswer(ctx: AppContext, limiter: RateLimiterPostgres, input: SurveyAnswerInput): Promise<SurveyAnswerResult> {
  const { secret, addressKey, normalized } = await wellFormedCode(ctx.knex, limiter, input.code, input.address);
  const outcome = await ctx.knex.transaction(async (trx) => {
    const code = await lockCodeAndRound(trx, surveyCodeHash(secret, normalized));
    // Counted after the transaction: the counter is written on the base connection.
    if (code === null || code.revokedAt !== null) return null;
    if (code.roundStatus !== 'open') throw roundClosed(code.roundCode);
    const checked = checkAnswers(await codeQuestionnaire(trx, code), input.answers);
    if (code.excluded) throw new DomainError('FORBIDDEN', '本户的网上答案已被主管部门排除（疑似代答或刷票），不能再次提交；如有异议请联系所在街道或住建部门。', [{ row: null, column: 'code', message: '答案已被排除' }]);
    if (!checked.ok) {
      throw new SurveyAnswersInvalid(
        `问卷没有填完整：${checked.problems.map((p) => p.message).join('；')}。`,
        checked.problems.map((p) => ({ row: null, column: `answers.${p.field}`, message: p.message })),
      );
    }
    const { replaced } = await storeOnlineAnswer(trx, {
      roundId: code.roundId,
      projectId: code.projectId,
      household: code.household,
      codeId: code.id,
      answers: checked.answers,
      comment: checkComment(input.comment),
      score: checked.score,
      at: ctx.now(),
      openedAt: code.openedAt,
      addressHash: addressKey,
      agentHash: input.userAgent ? keyed(secret, 'agent', input.userAgent) : null,
    });
    return { round: code.roundCode, project: code.projectCode, projectName: code.projectName, replaced };
  });
  if (outcome === null) {
    await countOne(limiter, addressKey); // one more wrong code from this address
    throw wrongCode();
  }
  return outcome;
}
