/**
 * Domain errors: a stable UPPER_SNAKE code, a Chinese message for the person who caused it, and
 * details (row/column lists, missing sources…). The kind decides the CLI exit code and the HTTP
 * status in one place each (cli/exit-codes.ts, src/http/error-handler.ts).
 */
export type ErrorKind =
  | 'bad_input' // exit 2, HTTP 400/422
  | 'not_found' // exit 2, HTTP 404
  | 'workflow' // refused by the round's state: exit 3, HTTP 409
  | 'forbidden' // HTTP 403
  | 'unauthenticated' // HTTP 401
  | 'too_large' // HTTP 413
  | 'rate_limited' // HTTP 429
  | 'unavailable' // the database cannot be reached for now: exit 1, HTTP 503
  | 'internal'; // exit 1, HTTP 500

export const ERROR_KINDS: Record<string, ErrorKind> = {
  RULES_INVALID: 'bad_input',
  INPUT_INVALID: 'bad_input',
  IMPORT_INVALID: 'bad_input',
  USCC_INVALID: 'bad_input',
  ROUND_CODE_INVALID: 'bad_input',
  NOT_FOUND: 'not_found',
  ROUND_NOT_FOUND: 'not_found',
  FIRM_NOT_FOUND: 'not_found',
  ALREADY_EXISTS: 'workflow',
  ROUND_STATE: 'workflow',
  MISSING_SOURCES: 'workflow',
  ROUND_IMMUTABLE: 'workflow',
  CONCURRENT_COMPUTE: 'workflow',
  OBJECTION_PENDING: 'workflow',
  SETTINGS_MISSING: 'workflow',
  FORBIDDEN: 'forbidden',
  UNAUTHENTICATED: 'unauthenticated',
  PAYLOAD_TOO_LARGE: 'too_large',
  RATE_LIMITED: 'rate_limited',
  AUDIT_BROKEN: 'internal',
  DB_UNAVAILABLE: 'unavailable',
  INTERNAL: 'internal',
};

export class DomainError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details ?? null;
  }

  get kind(): ErrorKind {
    return ERROR_KINDS[this.code] ?? 'internal';
  }
}

/** One problem in an input file or request, located precisely. */
export interface FieldProblem {
  /** 1-based data row as a spreadsheet shows it (header is row 1), or null for the whole file. */
  row: number | null;
  /** Column header as written in the file, or a field path for a request. */
  column: string | null;
  /** Chinese reason. */
  message: string;
  /** The worksheet's name on its tab, for a problem in an XLSX file. */
  sheet?: string;
  /** The column's letter as the spreadsheet shows it (A, B, … AA), when the problem is in one column. */
  letter?: string;
}
