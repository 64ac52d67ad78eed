import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { type Caller, CurrentCaller } from '@ledger/http';
import { LiftDto, ValidityChangeDto, ValidityDto } from './common.dto';
import { AmendItemsDto, ImposeExportControlDto, ReportLicencesDto } from './export-control.dto';
import { PolicyWrites, StreamIdPipe, newStreamId } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('export controls')
@Controller('v1/export-controls')
export class ExportControlsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Impose an export control (ExportControlImposed)')
  impose(
    @Body() body: ImposeExportControlDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    const streamId = body.id ?? newStreamId('export-control');
    return this.writes.record(request, response, caller, { type: 'ImposeExportControl', streamId, body });
  }

  @Post(':id/item-amendments')
  @PolicyWrite('Add or remove controlled items from validFrom on (ExportControlItemsAmended)')
  amendItems(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: AmendItemsDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'AmendExportControlItems', streamId, body });
  }

  @Post(':id/suspensions')
  @PolicyWrite('Suspend the control from validFrom, until validTo if given (ExportControlSuspended)')
  suspend(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'SuspendExportControl', streamId, body });
  }

  @Post(':id/lifts')
  @PolicyWrite('Lift the control from validFrom on (ExportControlLifted)')
  lift(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: LiftDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'LiftExportControl', streamId, body });
  }

  @Post(':id/validity-changes')
  @PolicyWrite('Move the end of the control; null = open-ended (ExportControlValidityChanged)')
  changeValidity(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityChangeDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, {
      type: 'ChangeExportControlValidity',
      streamId,
      body,
    });
  }

  @Post(':id/licence-reports')
  @PolicyWrite('Record a reported number of licences; null count = undisclosed (ExportLicencesReported)')
  reportLicences(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ReportLicencesDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'ReportExportLicences', streamId, body });
  }
}
