import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ProductScope } from '@ledger/contracts';
import { CitedDto, CreateDto, IsRate, ValidityDto } from './common.dto';
import { IsHsCode, IsInstant, IsJurisdiction } from '../request-validators';

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

export class ImposeTariffDto extends CreateDto {
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
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,79}$/, {
    message: 'program must be an upper-case legal-basis id such as US-IEEPA-RECIPROCAL',
  })
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

  @ApiProperty({ example: 'Executive Order 14259' })
  @IsString()
  @Length(1, 500)
  legalInstrument!: string;

  @ApiProperty({ example: '2025-04-08T22:00:00Z' })
  @IsInstant()
  announcedAt!: string;

  @IsRate()
  rate!: number;

  @ApiProperty({ example: '2025-04-09T04:01:00Z' })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({ example: null, nullable: true })
  @IsOptional()
  @IsInstant()
  validTo?: string | null;
}

/** A rate painted on [validFrom, validTo): a temporary change ends by itself. */
export class ChangeTariffRateDto extends ValidityDto {
  @IsRate()
  rate!: number;
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
