import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { LiftDto, ValidityChangeDto, ValidityDto } from './common.dto';
import { Exchange, PolicyWrites, StreamIdPipe, newStreamId, type WriteExchange } from './policy-writes';
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
import { PolicyWrite } from './write-docs';

@ApiTags('tariff measures')
@Controller('v1/tariff-measures')
export class TariffMeasuresController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Impose a tariff measure, or implement an announced one by its id (TariffImposed)')
  impose(@Body() body: ImposeTariffDto, @Exchange() exchange: WriteExchange): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('tariff-measure');
    return this.writes.record(exchange, { type: 'ImposeTariff', streamId, body });
  }

  @Post(':id/rate-changes')
  @PolicyWrite('Change the rate, from validFrom, until validTo if given (TariffRateChanged)')
  changeRate(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ChangeTariffRateDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'ChangeTariffRate', streamId, body });
  }

  @Post(':id/suspensions')
  @PolicyWrite('Suspend the measure from validFrom, until validTo if given (TariffSuspended)')
  suspend(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'SuspendTariff', streamId, body });
  }

  @Post(':id/lifts')
  @PolicyWrite('Lift the measure from validFrom on (TariffLifted)')
  lift(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: LiftDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'LiftTariff', streamId, body });
  }

  @Post(':id/validity-changes')
  @PolicyWrite('Move the end of the measure; null = open-ended (TariffValidityChanged)')
  changeValidity(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityChangeDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'ChangeTariffValidity', streamId, body });
  }

  @Post('announcements')
  @PolicyWrite('Announce a tariff for an intended start; it levies no duty until imposed (TariffAnnounced)')
  announce(@Body() body: AnnounceTariffDto, @Exchange() exchange: WriteExchange): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('tariff-measure');
    return this.writes.record(exchange, { type: 'AnnounceTariff', streamId, body });
  }

  @Post(':id/withdrawals')
  @PolicyWrite('Withdraw an announced, never-imposed measure (TariffWithdrawn)')
  withdraw(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: WithdrawTariffDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'WithdrawTariff', streamId, body });
  }

  @Post(':id/postponements')
  @PolicyWrite('Move the start of the measure later, to validFrom (TariffPostponed)')
  postpone(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: PostponeTariffDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'PostponeTariff', streamId, body });
  }

  @Post(':id/point-suspensions')
  @PolicyWrite('Suspend points of the rate from validFrom, until validTo if given (TariffPointsSuspended)')
  suspendPoints(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: SuspendTariffPointsDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'SuspendTariffPoints', streamId, body });
  }

  @Post(':id/product-amendments')
  @PolicyWrite(
    'Change the products covered from validFrom on, backdating allowed: add or remove listed codes, exclude or re-include codes (TariffProductsAmended)',
  )
  amendProducts(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: AmendTariffProductsDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'AmendTariffProducts', streamId, body });
  }

  @Post(':id/stacking-rules')
  @PolicyWrite(
    'Set how the layer stacks with other programs from validFrom, until validTo if given: programs it does not stack on, programs it displaces, a cap with the normal rate (TariffStackingRulesSet)',
  )
  setStackingRules(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: SetTariffStackingRulesDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'SetTariffStackingRules', streamId, body });
  }
}
