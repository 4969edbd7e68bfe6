import { DomainError, type ErrorKind } from '../src/domain/errors';

/** SPEC §7: 0 ok, 1 unexpected failure, 2 bad usage or bad input, 3 refused by the workflow state. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, refused: 3 } as const;

const byKind: Record<ErrorKind, number> = {
  bad_input: EXIT.badInput,
  not_found: EXIT.badInput,
  too_large: EXIT.badInput,
  forbidden: EXIT.refused,
  unauthenticated: EXIT.refused,
  rate_limited: EXIT.refused,
  workflow: EXIT.refused,
  unavailable: EXIT.failure,
  internal: EXIT.failure,
};

export function exitCodeFor(error: unknown): number {
  return error instanceof DomainError ? byKind[error.kind] : EXIT.failure;
}
