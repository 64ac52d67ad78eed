import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FieldError } from './problem';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export class FieldErrorDto implements FieldError {
  @ApiProperty({
    description: 'Path of the field in the request, dot-separated',
    example: 'products.codes.0',
  })
  readonly field!: string;

  @ApiProperty({ example: 'products.codes.0 must be an HS code of 2, 4, 6, 8 or 10 digits' })
  readonly message!: string;
}

/** An error answer as ProblemDetailsFilter writes it: RFC 9457 members, a stable `code` and field errors. */
export class ProblemDto {
  @ApiProperty({ description: 'A relative URI naming the problem', example: '/problems/validation-failed' })
  readonly type!: string;

  @ApiProperty({ description: 'The HTTP status text', example: 'Bad Request' })
  readonly title!: string;

  @ApiProperty({ description: 'The HTTP status', example: 400 })
  readonly status!: number;

  @ApiProperty({ description: 'Stable code clients branch on', example: 'validation-failed' })
  readonly code!: string;

  @ApiProperty({ description: 'What went wrong, for people', example: 'The request has invalid fields' })
  readonly detail!: string;

  @ApiProperty({ description: 'The request path', example: '/v1/tariff-measures' })
  readonly instance!: string;

  @ApiProperty({
    description: 'The correlation id of the request (X-Correlation-Id), as in the logs',
    example: '0b6f7c1e-3f5d-4a8e-9c1d-2e7f4b9a6c30',
  })
  readonly correlationId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per invalid field' })
  readonly errors?: readonly FieldErrorDto[];
}

/** The statuses this ledger answers with a problem. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 406 | 409 | 412 | 413 | 415 | 422 | 429 | 503;

/** Declares (OpenAPI) the problem answers of an operation: status → when it is given. */
export function ApiProblems(
  answers: Partial<Record<ProblemStatus, string>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...Object.entries(answers).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
