import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsElementSymbol, IsHsCode, IsInstant, SLUG, SLUG_MESSAGE } from '../request-validators';

/** Where a fact comes from: at least a URL or a reference (e.g. "Executive Order 14259"). */
export class CitationDto {
  @ApiPropertyOptional({ example: 'https://www.federalregister.gov/d/2025-06378' })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'citation.url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'Executive Order 14259' })
  @ValidateIf((citation: CitationDto) => citation.reference !== undefined || citation.url === undefined)
  @IsString({ message: 'a citation needs a url or a reference' })
  @Length(1, 500)
  reference?: string;

  @ApiPropertyOptional({ example: 'Amendment to Reciprocal Tariffs and Updated Duties' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  title?: string;
}

/** Every write carries its citation. */
export abstract class CitedDto {
  @ApiProperty({ type: CitationDto })
  @IsDefined({ message: 'citation is required: give a url or a reference' })
  @IsObject()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => CitationDto)
  citation!: CitationDto;
}

/** Creation bodies may name the stream; otherwise the server makes an id. */
export abstract class CreateDto extends CitedDto {
  @ApiPropertyOptional({ example: 'us-ieepa-reciprocal-cn', pattern: SLUG.source })
  @IsOptional()
  @Matches(SLUG, { message: `id ${SLUG_MESSAGE}` })
  id?: string;
}

export class ItemDto {
  @ApiPropertyOptional({ example: 'Dy' })
  @IsOptional()
  @IsElementSymbol()
  element?: string;

  @ApiPropertyOptional({ example: '1C902.a' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.\-/]{0,39}$/, {
    message: 'controlCode must be a control list code such as 1C902.a',
  })
  controlCode?: string;

  @ApiPropertyOptional({ example: '280530' })
  @IsOptional()
  @IsHsCode()
  hsCode?: string;

  @ApiProperty({ example: 'Dysprosium, its oxides, compounds and mixtures' })
  @IsString()
  @Length(1, 500)
  @ValidateBy({
    name: 'namesTheItem',
    validator: {
      validate: (_value, args) => {
        const item = args?.object as ItemDto;
        return item.element !== undefined || item.controlCode !== undefined || item.hsCode !== undefined;
      },
      defaultMessage: () => 'an item must name an element, a controlCode or an hsCode',
    },
  })
  description!: string;
}

export class ValidityDto extends CitedDto {
  @ApiProperty({ example: '2025-04-09T04:01:00Z' })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2025-08-12T04:01:00Z', nullable: true })
  @IsOptional()
  @IsInstant()
  validTo?: string | null;
}

export class LiftDto extends CitedDto {
  @ApiProperty({ example: '2025-11-10T05:01:00Z' })
  @IsInstant()
  validFrom!: string;
}

export class ValidityChangeDto extends CitedDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2025-11-10T05:01:00Z',
    nullable: true,
    description: 'null = open-ended',
  })
  @ValidateIf((_body, value) => value !== null)
  @IsInstant()
  validTo!: string | null;
}

export class RetractionDto extends CitedDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'retractedEventId must be an event id (UUID)',
  })
  retractedEventId!: string;

  @ApiProperty({ example: 'Entered against the wrong measure' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

/**
 * A finite number written with at most 2 decimals. class-validator's maxDecimalPlaces throws on
 * a number JavaScript writes in exponent form (3e-323); a negative exponent means more than 2
 * decimals, a positive one a whole number.
 */
export function hasAtMostTwoDecimals(value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const text = String(value);
  if (text.includes('e')) return !text.includes('e-');
  return (text.split('.')[1] ?? '').length <= 2;
}

/** Ad valorem percentage points, 0–1000, at most 2 decimals. */
export const IsRate = () =>
  applyDecorators(
    ApiProperty({ example: 84, minimum: 0, maximum: 1000 }),
    ValidateBy(
      { name: 'isRate', validator: { validate: hasAtMostTwoDecimals } },
      { message: 'rate must be a number with at most 2 decimals' },
    ),
    Min(0, { message: 'rate must be between 0 and 1000 (percentage points)' }),
    Max(1000, { message: 'rate must be between 0 and 1000 (percentage points)' }),
  );

export const EXPORT_CONTROL_KINDS = ['licence-required', 'prohibited', 'end-user-ban'] as const;
export const IsExportControlKind = () =>
  IsIn(EXPORT_CONTROL_KINDS, { message: `kind must be one of ${EXPORT_CONTROL_KINDS.join(', ')}` });
