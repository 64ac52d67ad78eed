import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, Length, Matches } from 'class-validator';
import { CreateDto } from './common.dto';
import { IsInstant, IsJurisdiction, SLUG, SLUG_MESSAGE } from '../request-validators';

export class ConcludeAgreementDto extends CreateDto {
  @ApiProperty({ type: [String], example: ['US', 'CN'] })
  @IsArray()
  @ArrayMinSize(2, { message: 'parties must name at least two jurisdictions' })
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsJurisdiction({ allowAll: false }, { each: true })
  parties!: string[];

  @ApiProperty({ example: 'Joint Statement on U.S.-China Economic and Trade Meeting in Geneva' })
  @IsString()
  @Length(1, 500)
  title!: string;

  @ApiProperty({ example: '2025-05-12T08:00:00Z' })
  @IsInstant()
  concludedAt!: string;

  @ApiProperty({ example: 'Both sides cut additional duties by 115 points for 90 days from 14 May.' })
  @IsString()
  @Length(1, 5000)
  summary!: string;

  @ApiProperty({ type: [String], example: ['us-ieepa-reciprocal-cn'] })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: `relatedMeasureIds entries ${SLUG_MESSAGE}` })
  relatedMeasureIds!: string[];
}
