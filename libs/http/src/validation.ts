import { ValidationPipe } from '@nestjs/common';
import { fieldErrors, validationProblem } from './problems/problem';

/**
 * Request bodies are validated against their DTO: unknown fields are refused (not silently
 * dropped), nothing is coerced, and every problem is reported with its field path.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(fieldErrors(errors)),
  });
}
