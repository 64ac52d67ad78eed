import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { type Caller, CurrentCaller } from '@ledger/http';
import { LiftDto, ValidityChangeDto, ValidityDto } from './common.dto';
import { PolicyWrites, StreamIdPipe, newStreamId } from './policy-writes';
import { ChangeTariffRateDto, ImposeTariffDto } from './tariff-measure.dto';
import { PolicyWrite } from './write-docs';

@ApiTags('tariff measures')
@Controller('v1/tariff-measures')
export class TariffMeasuresController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Impose a tariff measure (TariffImposed)')
  impose(
    @Body() body: ImposeTariffDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    const streamId = body.id ?? newStreamId('tariff-measure');
    return this.writes.record(request, response, caller, { type: 'ImposeTariff', streamId, body });
  }

  @Post(':id/rate-changes')
  @PolicyWrite('Change the rate, from validFrom, until validTo if given (TariffRateChanged)')
  changeRate(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ChangeTariffRateDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'ChangeTariffRate', streamId, body });
  }

  @Post(':id/suspensions')
  @PolicyWrite('Suspend the measure from validFrom, until validTo if given (TariffSuspended)')
  suspend(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'SuspendTariff', streamId, body });
  }

  @Post(':id/lifts')
  @PolicyWrite('Lift the measure from validFrom on (TariffLifted)')
  lift(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: LiftDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'LiftTariff', streamId, body });
  }

  @Post(':id/validity-changes')
  @PolicyWrite('Move the end of the measure; null = open-ended (TariffValidityChanged)')
  changeValidity(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityChangeDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'ChangeTariffValidity', streamId, body });
  }
}
