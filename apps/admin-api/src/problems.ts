import { DomainError, type DomainErrorKind } from '@ledger/domain';
import { ApiKeyNotLive, InvalidKeyChange, Problem, UnknownApiKey, type ProblemMapper } from '@ledger/http';
import { EventRejected, IdempotencyKeyReused, StreamVersionConflict } from '@ledger/journal';
import { BatchItemRefused } from './writes/record-policy-batch.command';
import { StaleStreamVersion } from './writes/record-policy-event.command';

const DOMAIN_STATUS: Record<DomainErrorKind, number> = { invalid: 400, conflict: 409, 'not-found': 404 };

/** The one table from the admin API's errors to HTTP answers. */
export const adminApiProblems: ProblemMapper = (error) => {
  if (error instanceof BatchItemRefused) return batchItemProblem(error);
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.kind];
    const errors = error.field ? [{ field: error.field, message: error.message }] : undefined;
    return new Problem(status, error.code, error.message, errors);
  }
  if (error instanceof UnknownApiKey) return new Problem(404, 'key-not-found', error.message);
  if (error instanceof ApiKeyNotLive) return new Problem(409, 'key-not-live', error.message);
  if (error instanceof InvalidKeyChange) return new Problem(400, 'invalid-key-change', error.message);
  if (error instanceof StaleStreamVersion) {
    return new Problem(412, 'stale-version', error.message, undefined, { ETag: `"${error.actual}"` });
  }
  if (error instanceof StreamVersionConflict) {
    return new Problem(409, 'concurrent-write', 'The stream kept changing under this write; retry it');
  }
  if (error instanceof EventRejected) {
    return new Problem(
      400,
      'contract-violation',
      'The event this request makes breaks the published event schema',
      error.violations.map((violation) => {
        const [field, ...message] = violation.split(': ');
        return { field: field.replace(/^data\./, ''), message: message.join(': ') || violation };
      }),
    );
  }
  if (error instanceof IdempotencyKeyReused) {
    return new Problem(
      422,
      'idempotency-key-reused',
      'This Idempotency-Key was used for a different request; use a new key for a new write',
    );
  }
  return undefined;
};

/**
 * The problem the item would have met as a single write, its fields named under the item
 * (`items.3.body.rate`), or the item itself when the problem names no field.
 */
function batchItemProblem({ index, reason }: BatchItemRefused): Problem | undefined {
  const problem = adminApiProblems(reason);
  if (!problem) return undefined;
  const item = `items.${index}`;
  const errors = problem.errors?.map(({ field, message }) => ({
    field: `${item}.body.${field}`,
    message,
  })) ?? [{ field: item, message: problem.detail }];
  return new Problem(
    problem.status,
    problem.code,
    `Item ${index}: ${problem.detail}`,
    errors,
    problem.headers,
  );
}
