import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  Max,
  Min,
  IsString,
  Length,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normaliseHeading, type ProductScope } from '@ledger/contracts';
import { CitedDto, CreateDto, IsRate, ValidityDto, hasAtMostTwoDecimals } from './common.dto';
import { IsHeading, IsHsCode, IsInstant, IsJurisdiction, IsProgramId } from '../request-validators';

/** Digits-only headings (`99030124`) get their dots, so the ledger holds one form of each. */
const NormaliseHeading = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseHeading(value) : value));

const HEADING_DOC = {
  type: String,
  example: '9903.01.24',
  nullable: true,
  description:
    "the chapter 98/99 heading of the imposer's tariff the rate is levied under (dots optional: 99030124 is stored as 9903.01.24); absent or null when unknown",
};

export class ProductsDto {
  @ApiProperty({ enum: ['all', 'codes'], example: 'codes' })
  @IsIn(['all', 'codes'], { message: "scope must be 'all' or 'codes'" })
  scope!: 'all' | 'codes';

  @ApiPropertyOptional({ type: [String], example: ['850511'], description: "with scope 'codes'" })
  @ValidateIf((products: ProductsDto) => products.scope === 'codes' || products.codes !== undefined)
  @IsArray({ message: "codes must list at least one HS code with scope 'codes'" })
  @ArrayMinSize(1, { message: "codes must list at least one HS code with scope 'codes'" })
  @ArrayMaxSize(5000)
  @ArrayUnique()
  @IsHsCode({ each: true })
  codes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['2709'], description: "with scope 'all'" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique()
  @IsHsCode({ each: true })
  excludedCodes?: string[];
}

/** What an imposition and an announcement both say of a measure: its reach, products, rate and dates. */
abstract class TariffMeasureDto extends CreateDto {
  @ApiProperty({ example: 'US' })
  @IsJurisdiction({ allowAll: false })
  imposer!: string;

  @ApiProperty({ type: [String], example: ['CN'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'targets must name at least one jurisdiction, or *' })
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsJurisdiction({ allowAll: true }, { each: true })
  targets!: string[];

  @ApiPropertyOptional({ type: [String], example: ['HK'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsJurisdiction({ allowAll: false }, { each: true })
  excludedTargets?: string[];

  @ApiProperty({ example: 'US-IEEPA-RECIPROCAL', description: 'legal basis / program id' })
  @IsProgramId()
  program!: string;

  /**
   * Validated field by field as a ProductsDto and typed as the scope it becomes; which fields go
   * with which scope is not checked here.
   */
  @ApiProperty({ type: ProductsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ProductsDto)
  products!: ProductScope;

  @ApiProperty({ example: 'Reciprocal tariff on goods of China' })
  @IsString()
  @Length(1, 500)
  title!: string;

  @ApiProperty({ example: '2025-04-08T22:00:00Z' })
  @IsInstant()
  announcedAt!: string;

  /** The rate (of an announcement: the intended rate). */
  @IsRate()
  rate!: number;

  @ApiProperty({
    example: '2025-04-09T04:01:00Z',
    description: 'the start (of an announcement: the intended start)',
  })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: null, nullable: true })
  @IsOptional()
  @IsInstant()
  validTo?: string | null;
}

export class ImposeTariffDto extends TariffMeasureDto {
  @ApiProperty({ example: 'Executive Order 14259' })
  @IsString()
  @Length(1, 500)
  legalInstrument!: string;

  @ApiPropertyOptional(HEADING_DOC)
  @IsOptional()
  @NormaliseHeading()
  @IsHeading()
  heading?: string | null;
}

/** A rate painted on [validFrom, validTo): a temporary change ends by itself. */
export class ChangeTariffRateDto extends ValidityDto {
  @IsRate()
  rate!: number;

  @ApiPropertyOptional(HEADING_DOC)
  @IsOptional()
  @NormaliseHeading()
  @IsHeading()
  heading?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'Executive Order 14259',
    nullable: true,
    description: 'the instrument that set this rate; absent or null when unknown',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  instrument?: string | null;
}

/**
 * A tariff announced for an intended start and rate, not imposed: no duty applies until it is
 * imposed (POST /v1/tariff-measures with the same id).
 */
export class AnnounceTariffDto extends TariffMeasureDto {
  @ApiPropertyOptional({ example: 'IEEPA', description: 'the legal basis, when the announcement names one' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  legalInstrument?: string;
}

export class WithdrawTariffDto extends CitedDto {
  @ApiProperty({ example: '2025-10-30T00:00:00Z' })
  @IsInstant()
  withdrawnAt!: string;

  @ApiProperty({ example: 'Dropped after the leaders met in Busan' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class PostponeTariffDto extends CitedDto {
  @ApiProperty({ example: '2025-07-09T04:01:00Z', description: 'the new start, later than the current one' })
  @IsInstant()
  validFrom!: string;
}

/** Points of the rate suspended on [validFrom, validTo): the legal rate stands, these do not apply. */
export class SuspendTariffPointsDto extends ValidityDto {
  @ApiProperty({ example: 24, minimum: 0, exclusiveMinimum: true, maximum: 1000 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'points must be a number' })
  @ValidateBy(
    { name: 'isPoints', validator: { validate: hasAtMostTwoDecimals } },
    { message: 'points must be a number with at most 2 decimals' },
  )
  @ValidateBy(
    { name: 'isPositive', validator: { validate: (value) => typeof value === 'number' && value > 0 } },
    { message: 'points must be above 0 (percentage points)' },
  )
  @Max(1000, { message: 'points must be at most 1000 (percentage points)' })
  points!: number;

  @ApiPropertyOptional({ example: 'The 24 points of the reciprocal rate above 10 %' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  provision?: string;
}

export class ProductExclusionDto {
  @ApiProperty({ example: '8471' })
  @IsHsCode()
  code!: string;

  @ApiPropertyOptional({
    example: 'Annex to the memorandum of 11 April 2025',
    description: 'the list it comes from',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  list?: string;

  @ApiPropertyOptional({ example: 'Automatic data processing machines' })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  description?: string;
}

/**
 * A change of the products covered from validFrom on (backdating allowed): `add`/`remove` the
 * codes of a measure on listed codes; `exclude`/`reinclude` codes of either scope.
 */
export class AmendTariffProductsDto extends CitedDto {
  @ApiProperty({ example: '2025-04-05T04:01:00Z' })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({ type: [String], example: ['8471300100'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique()
  @IsHsCode({ each: true })
  add?: string[];

  @ApiPropertyOptional({ type: [String], example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique()
  @IsHsCode({ each: true })
  remove?: string[];

  @ApiPropertyOptional({ type: [ProductExclusionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ProductExclusionDto)
  exclude?: ProductExclusionDto[];

  @ApiPropertyOptional({ type: [String], example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique()
  @IsHsCode({ each: true })
  reinclude?: string[];
}

/** A cap on the total the layer levies with the layers of the included programs ("15 % all-in"). */
export class StackingCapDto {
  @ApiProperty({ example: 15, minimum: 0, maximum: 1000, description: 'the most the layers levy together' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'total must be a number' })
  @ValidateBy(
    { name: 'isRate', validator: { validate: hasAtMostTwoDecimals } },
    { message: 'total must be a number with at most 2 decimals' },
  )
  @Min(0, { message: 'total must be between 0 and 1000 (percentage points)' })
  @Max(1000, { message: 'total must be between 0 and 1000 (percentage points)' })
  total!: number;

  @ApiProperty({ type: [String], example: ['EU-MFN'], description: 'the programs counted towards the cap' })
  @IsArray()
  @ArrayMinSize(1, { message: 'including must name at least one program' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsProgramId({ each: true })
  including!: string[];
}

/**
 * How the layer stacks with layers of other programs on the same product on [validFrom,
 * validTo), replacing earlier rules where it covers.
 */
export class SetTariffStackingRulesDto extends ValidityDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['US-232-STEEL'],
    description: 'the layer is excluded where a full layer of one of these programs applies',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsProgramId({ each: true })
  notStackedOn?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: [],
    description: 'layers of these programs are excluded where this layer applies (as a full layer)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsProgramId({ each: true })
  displaces?: string[];

  @ApiPropertyOptional({ type: StackingCapDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => StackingCapDto)
  cap?: StackingCapDto | null;
}
