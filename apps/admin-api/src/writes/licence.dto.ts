import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CitedDto, CreateDto, ItemDto } from './common.dto';
import { IsInstant, IsJurisdiction, SLUG, SLUG_MESSAGE } from '../request-validators';

export class QuantityDto {
  @ApiProperty({ example: 500 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  amount!: number;

  @ApiProperty({ example: 'kg' })
  @IsString()
  @Length(1, 20)
  unit!: string;
}

export class ApplyForLicenceDto extends CreateDto {
  @ApiProperty({ example: 'cn-rare-earths-2025-04' })
  @Matches(SLUG, { message: `exportControlId ${SLUG_MESSAGE}` })
  exportControlId!: string;

  @ApiProperty({ example: 'Ganzhou Magnet Works' })
  @IsString()
  @Length(1, 300)
  exporter!: string;

  @ApiPropertyOptional({ example: 'Detroit Motors Inc.' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  consignee?: string;

  @ApiProperty({ example: 'US' })
  @IsJurisdiction({ allowAll: false })
  destination!: string;

  @ApiProperty({ type: [ItemDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'items must list at least one item' })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];

  @ApiPropertyOptional({ type: QuantityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;

  @ApiProperty({ example: '2025-04-15T09:00:00+08:00' })
  @IsInstant()
  appliedAt!: string;
}

export class ApproveLicenceDto extends CitedDto {
  @ApiProperty({ example: '2025-06-05T09:00:00+08:00' })
  @IsInstant()
  decidedAt!: string;

  @ApiProperty({ example: '2025-06-05T09:00:00+08:00' })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2025-12-05T09:00:00+08:00',
    nullable: true,
  })
  @IsOptional()
  @IsInstant()
  validTo?: string | null;

  @ApiPropertyOptional({ example: 'End use: automotive motors only' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  conditions?: string;
}

export class DenyLicenceDto extends CitedDto {
  @ApiProperty({ example: '2025-06-05T09:00:00+08:00' })
  @IsInstant()
  decidedAt!: string;

  @ApiProperty({ example: 'End user on the unreliable entity list' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class RevokeLicenceDto extends CitedDto {
  @ApiProperty({ example: '2025-07-01T00:00:00+08:00' })
  @IsInstant()
  validFrom!: string;

  @ApiProperty({ example: 'Diversion to a military end user' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
