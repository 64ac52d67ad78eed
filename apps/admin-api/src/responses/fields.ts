import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

const INSTANT_EXAMPLE = '2025-04-09T04:01:00.000Z';

/** An RFC 3339 UTC instant with milliseconds, as every answer writes instants. */
export function Instant(options: ApiPropertyOptions = {}): PropertyDecorator {
  return ApiProperty({
    type: String,
    format: 'date-time',
    example: INSTANT_EXAMPLE,
    ...options,
  });
}

/** An instant or null (open-ended, unknown or not yet). */
export function InstantOrNull(description: string): PropertyDecorator {
  return ApiProperty({ type: String, format: 'date-time', nullable: true, example: null, description });
}

/** ISO 3166-1 alpha-2 codes, EU or `*`. */
export function Jurisdictions(description: string, example: string[] = ['CN']): PropertyDecorator {
  return ApiProperty({ type: [String], description, example });
}
