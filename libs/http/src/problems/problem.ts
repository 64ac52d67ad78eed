import type { ValidationError } from 'class-validator';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * An RFC 7807 problem the edge answers with. `code` is stable: clients branch on it, never on
 * the human `detail`.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

/** Flattens class-validator's nested errors into `{ field: 'products.codes.0', message }`. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export function validationProblem(errors: readonly FieldError[]): Problem {
  return new Problem(400, 'validation-failed', 'The request has invalid fields', errors);
}
