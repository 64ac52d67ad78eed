import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CommandType } from '@ledger/domain';
import { SLUG, SLUG_MESSAGE } from '../request-validators';
import { ConcludeAgreementDto } from './agreement.dto';
import { LiftDto, RetractionDto, ValidityChangeDto, ValidityDto } from './common.dto';
import { AmendItemsDto, ImposeExportControlDto, ReportLicencesDto } from './export-control.dto';
import { ApplyForLicenceDto, ApproveLicenceDto, DenyLicenceDto, RevokeLicenceDto } from './licence.dto';
import { CreatePartyListDto, DelistPartyDto, ListPartyDto } from './party-list.dto';
import {
  AmendTariffProductsDto,
  AnnounceTariffDto,
  ChangeTariffRateDto,
  ImposeTariffDto,
  PostponeTariffDto,
  SetTariffStackingRulesDto,
  SuspendTariffPointsDto,
  WithdrawTariffDto,
} from './tariff-measure.dto';

/** The most items one batch takes; a longer import is sent as several batches. */
export const MAX_BATCH_ITEMS = 1000;

/** The body each command takes: the DTO of its single write route, checked the same way. */
export const COMMAND_BODIES: Readonly<Record<CommandType, new () => object>> = {
  ImposeTariff: ImposeTariffDto,
  ChangeTariffRate: ChangeTariffRateDto,
  SuspendTariff: ValidityDto,
  LiftTariff: LiftDto,
  ChangeTariffValidity: ValidityChangeDto,
  AnnounceTariff: AnnounceTariffDto,
  WithdrawTariff: WithdrawTariffDto,
  PostponeTariff: PostponeTariffDto,
  SuspendTariffPoints: SuspendTariffPointsDto,
  AmendTariffProducts: AmendTariffProductsDto,
  SetTariffStackingRules: SetTariffStackingRulesDto,
  ImposeExportControl: ImposeExportControlDto,
  AmendExportControlItems: AmendItemsDto,
  SuspendExportControl: ValidityDto,
  LiftExportControl: LiftDto,
  ChangeExportControlValidity: ValidityChangeDto,
  ReportExportLicences: ReportLicencesDto,
  ApplyForLicence: ApplyForLicenceDto,
  ApproveLicence: ApproveLicenceDto,
  DenyLicence: DenyLicenceDto,
  RevokeLicence: RevokeLicenceDto,
  ConcludeAgreement: ConcludeAgreementDto,
  CreatePartyList: CreatePartyListDto,
  ListParty: ListPartyDto,
  DelistParty: DelistPartyDto,
  RetractEvent: RetractionDto,
};

const COMMAND_TYPES = Object.keys(COMMAND_BODIES) as CommandType[];

export class BatchItemDto {
  @ApiProperty({ enum: COMMAND_TYPES, example: 'ChangeTariffRate' })
  @IsIn(COMMAND_TYPES, { message: `command must be one of ${COMMAND_TYPES.join(', ')}` })
  command!: CommandType;

  @ApiProperty({ example: 'us-ieepa-reciprocal-cn', pattern: SLUG.source })
  @Matches(SLUG, { message: `streamId ${SLUG_MESSAGE}` })
  streamId!: string;

  @ApiPropertyOptional({
    minimum: 0,
    example: 1,
    description:
      'The stream version the item is based on, as If-Match on a single write (0 = a new stream); ' +
      'an earlier item of the batch on the same stream counts',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(999_999_999)
  expectedVersion?: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "The body of the command's single write route (for a creation, `id` may only repeat streamId)",
    example: {
      citation: { reference: 'Executive Order 14259' },
      rate: 84,
      validFrom: '2025-04-09T04:01:00Z',
    },
  })
  @IsObject()
  body!: Record<string, unknown>;
}

export class BatchDto {
  @ApiProperty({ type: [BatchItemDto], minItems: 1, maxItems: MAX_BATCH_ITEMS })
  @IsArray()
  @ArrayMinSize(1, { message: 'items must hold at least one command' })
  @ArrayMaxSize(MAX_BATCH_ITEMS, { message: `items must hold at most ${MAX_BATCH_ITEMS} commands` })
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  items!: BatchItemDto[];
}

export class BatchEventDto {
  @ApiProperty({ example: 'us-ieepa-reciprocal-cn' })
  streamId!: string;

  @ApiProperty({ example: 2 })
  streamVersion!: number;

  @ApiProperty({ example: 1207 })
  position!: number;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;
}

export class BatchAnswerDto {
  @ApiProperty({ type: [BatchEventDto], description: 'The recorded events, in item order' })
  events!: BatchEventDto[];
}
