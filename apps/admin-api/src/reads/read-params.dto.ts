import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { isScreenable } from '@ledger/read-models';
import { LICENCE_VIEW_STATUSES } from '@ledger/views';
import { IsHsCode, IsJurisdiction, IsProgramId, SLUG, SLUG_MESSAGE, isInstant } from '../request-validators';

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** asOf / knownAt: an RFC 3339 instant, or a bare date meaning 00:00:00Z of that day. */
export function isTimeParameter(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return BARE_DATE.test(value) ? isInstant(`${value}T00:00:00Z`) : isInstant(value);
}

export function toInstant(value: string | undefined, now: Date): string {
  if (value === undefined) return now.toISOString();
  return new Date(BARE_DATE.test(value) ? `${value}T00:00:00Z` : value).toISOString();
}

const IsTimeParameter = () =>
  ValidateBy({
    name: 'isTimeParameter',
    validator: {
      validate: isTimeParameter,
      defaultMessage: (args) =>
        `${args?.property} must be an RFC 3339 instant (2025-04-20T00:00:00Z) or a date (2025-04-20)`,
    },
  });

/** The two time axes of every view; both default to now. */
export class TimeQueryDto {
  @ApiPropertyOptional({ description: 'valid time T (default now)', example: '2025-04-20' })
  @IsOptional()
  @IsTimeParameter()
  asOf?: string;

  @ApiPropertyOptional({ description: 'transaction time K: what the ledger knew then (default now)' })
  @IsOptional()
  @IsTimeParameter()
  knownAt?: string;
}

/** The tariffs an imposer levies on goods of an origin, at (asOf, knownAt). */
class TariffReachQueryDto extends TimeQueryDto {
  @ApiProperty({ example: 'US' })
  @IsJurisdiction({ allowAll: false })
  imposer!: string;

  @ApiProperty({ example: 'CN' })
  @IsJurisdiction({ allowAll: false })
  origin!: string;
}

export class TariffsEffectiveQueryDto extends TariffReachQueryDto {
  @ApiProperty({ example: '850511' })
  @IsHsCode()
  product!: string;
}

export class ExportControlsActiveQueryDto extends TimeQueryDto {
  @ApiPropertyOptional({ example: 'CN' })
  @IsOptional()
  @IsJurisdiction({ allowAll: false })
  imposer?: string;

  @ApiPropertyOptional({ example: 'Dy', description: 'element symbol, control code or HS code' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.\-/]{0,39}$/, {
    message: 'item must be an element symbol (Dy), a control code (1C902.a) or an HS code (280530)',
  })
  item?: string;

  @ApiPropertyOptional({ example: 'US' })
  @IsOptional()
  @IsJurisdiction({ allowAll: false })
  destination?: string;
}

/** The score a screening returns candidates from unless told otherwise (see README, "Screening parties"). */
export const DEFAULT_SCREEN_THRESHOLD = 0.5;
export const DEFAULT_SCREEN_LIMIT = 20;

export class PartyScreenQueryDto extends TimeQueryDto {
  @ApiProperty({ example: 'Huawei Technologies', description: 'The name to screen: any script, any accents' })
  @IsString()
  @Length(1, 500)
  @ValidateBy({
    name: 'isScreenable',
    validator: {
      validate: (value) => typeof value === 'string' && isScreenable(value),
      defaultMessage: () => 'name must have letters or digits beyond legal forms such as Co., Ltd. or GmbH',
    },
  })
  name!: string;

  @ApiPropertyOptional({ example: 'CN', description: 'Only parties established in this country' })
  @IsOptional()
  @IsJurisdiction({ allowAll: false })
  country?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: DEFAULT_SCREEN_THRESHOLD })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'threshold must be a number' })
  @Min(0)
  @Max(1)
  threshold?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: DEFAULT_SCREEN_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;
}

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class LicencesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LICENCE_VIEW_STATUSES })
  @IsOptional()
  @IsIn(LICENCE_VIEW_STATUSES, { message: `status must be one of ${LICENCE_VIEW_STATUSES.join(', ')}` })
  status?: (typeof LICENCE_VIEW_STATUSES)[number];

  @ApiPropertyOptional({ example: 'cn-rare-earths-2025-04' })
  @IsOptional()
  @Matches(SLUG, { message: `exportControlId ${SLUG_MESSAGE}` })
  exportControlId?: string;

  @ApiPropertyOptional({ example: 'US' })
  @IsOptional()
  @IsJurisdiction({ allowAll: false })
  destination?: string;

  @ApiPropertyOptional({ description: 'the `next` of the previous page' })
  @IsOptional()
  @Matches(SLUG, { message: 'after must be the next cursor of a previous page' })
  after?: string;
}

export class EventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'position already seen (0 = from the start)', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'after must be a position (a whole number)' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

export class TariffListQueryDto extends TariffReachQueryDto {
  @ApiPropertyOptional({ example: 'US-IEEPA-RECIPROCAL', description: 'only this program' })
  @IsOptional()
  @IsProgramId()
  program?: string;
}

export class TariffChangesQueryDto {
  @ApiProperty({ example: 'US' })
  @IsJurisdiction({ allowAll: false })
  imposer!: string;

  @ApiProperty({ example: 'CN' })
  @IsJurisdiction({ allowAll: false })
  origin!: string;

  @ApiProperty({ example: '850511' })
  @IsHsCode()
  product!: string;

  @ApiProperty({
    description: 'start of the range, inclusive (both axes)',
    example: '2025-04-01',
  })
  @IsTimeParameter()
  from!: string;

  @ApiProperty({
    description: 'end of the range, exclusive (both axes); not before from',
    example: '2025-06-01',
  })
  @IsTimeParameter()
  @ValidateBy({
    name: 'notBeforeFrom',
    validator: {
      validate: (to: unknown, args) => {
        const { from } = args?.object as { from?: unknown };
        if (!isTimeParameter(to) || !isTimeParameter(from)) return true;
        const now = new Date();
        return Date.parse(toInstant(to as string, now)) >= Date.parse(toInstant(from as string, now));
      },
      defaultMessage: () => 'to must not be before from',
    },
  })
  to!: string;

  @ApiPropertyOptional({ description: 'transaction time K the valid-time changes are read at (default now)' })
  @IsOptional()
  @IsTimeParameter()
  knownAt?: string;
}
