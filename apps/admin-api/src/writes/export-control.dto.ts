import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CitedDto, CreateDto, EXPORT_CONTROL_KINDS, IsExportControlKind, ItemDto } from './common.dto';
import { IsInstant, IsJurisdiction } from '../request-validators';

export class ImposeExportControlDto extends CreateDto {
  @ApiProperty({ example: 'CN' })
  @IsJurisdiction({ allowAll: false })
  imposer!: string;

  @ApiProperty({ type: [String], example: ['*'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'destinations must name at least one jurisdiction, or *' })
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsJurisdiction({ allowAll: true }, { each: true })
  destinations!: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsJurisdiction({ allowAll: false }, { each: true })
  excludedDestinations?: string[];

  @ApiProperty({ enum: EXPORT_CONTROL_KINDS })
  @IsExportControlKind()
  kind!: (typeof EXPORT_CONTROL_KINDS)[number];

  @ApiProperty({ type: [ItemDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'items must list at least one controlled item' })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];

  @ApiProperty({ example: 'MOFCOM/GAC Announcement No. 18 of 2025' })
  @IsString()
  @Length(1, 500)
  legalInstrument!: string;

  @ApiProperty({ example: '2025-04-04T10:00:00+08:00' })
  @IsInstant()
  announcedAt!: string;

  @ApiProperty({ example: '2025-04-04T00:00:00+08:00' })
  @IsInstant()
  validFrom!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsInstant()
  validTo?: string | null;
}

export class AmendItemsDto extends CitedDto {
  @ApiProperty({ type: [ItemDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  add!: ItemDto[];

  @ApiProperty({ type: [ItemDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  remove!: ItemDto[];

  @ApiProperty({ example: '2025-10-09T00:00:00+08:00' })
  @IsInstant()
  validFrom!: string;
}

export class PeriodDto {
  @ApiProperty({ example: '2025-06-01T00:00:00+08:00' })
  @IsInstant()
  from!: string;

  @ApiProperty({ example: '2025-06-07T00:00:00+08:00' })
  @IsInstant()
  to!: string;
}

export class ReportLicencesDto extends CitedDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'null = undisclosed ("a certain number"), never 0 for unknown',
  })
  @IsDefined({ message: 'count is required: a number, or null when undisclosed' })
  @ValidateIf((_body, value) => value !== null)
  @IsInt({ message: 'count must be a whole number, or null when undisclosed' })
  @Min(0)
  @Max(100_000_000)
  count!: number | null;

  @ApiProperty({ type: PeriodDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PeriodDto)
  period!: PeriodDto;

  @ApiProperty({ example: '2025-06-07T12:00:00+08:00' })
  @IsInstant()
  reportedAt!: string;
}
