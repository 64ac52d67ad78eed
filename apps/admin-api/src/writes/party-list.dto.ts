import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { CitedDto, CreateDto } from './common.dto';
import { IsInstant, IsJurisdiction, SLUG, SLUG_MESSAGE } from '../request-validators';

export class CreatePartyListDto extends CreateDto {
  @ApiProperty({ example: 'US', description: 'The jurisdiction that keeps the list' })
  @IsJurisdiction({ allowAll: false })
  imposer!: string;

  @ApiProperty({ example: 'Entity List' })
  @IsString()
  @Length(1, 500)
  name!: string;
}

/** A party put on a list; the body's citation is the notice that lists it. */
export class ListPartyDto extends CitedDto {
  @ApiProperty({ example: 'example-photonics', pattern: SLUG.source })
  @Matches(SLUG, { message: `partyId ${SLUG_MESSAGE}` })
  partyId!: string;

  @ApiProperty({ example: 'Example Photonics Co., Ltd.' })
  @IsString()
  @Length(1, 500)
  name!: string;

  @ApiProperty({ type: [String], example: ['Example Optics'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  aliases!: string[];

  @ApiProperty({ example: 'CN', description: 'Where the party is established (ISO 3166-1 alpha-2)' })
  @IsJurisdiction({ allowAll: false })
  country!: string;

  @ApiProperty({ type: [String], example: ['1 Example Road, Shenzhen'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  addresses!: string[];

  @ApiProperty({ example: 'Activities contrary to the national security of the United States' })
  @IsString()
  @Length(1, 5000)
  reason!: string;

  @ApiProperty({ example: 'For all items subject to the EAR' })
  @IsString()
  @Length(1, 500)
  licenceRequirement!: string;

  @ApiProperty({ example: 'Presumption of denial' })
  @IsString()
  @Length(1, 500)
  licenceReviewPolicy!: string;

  @ApiProperty({ example: '2025-03-25T04:00:00Z', description: 'Listed from (valid time)' })
  @IsInstant()
  validFrom!: string;
}

/** A listed party taken off a list; the body's citation is the notice that removes it. */
export class DelistPartyDto extends CitedDto {
  @ApiProperty({ example: 'example-photonics', pattern: SLUG.source })
  @Matches(SLUG, { message: `partyId ${SLUG_MESSAGE}` })
  partyId!: string;

  @ApiProperty({ example: '2025-09-01T04:00:00Z', description: 'Off the list from (valid time)' })
  @IsInstant()
  validFrom!: string;
}
