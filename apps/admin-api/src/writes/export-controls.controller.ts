import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { LiftDto, ValidityChangeDto, ValidityDto } from './common.dto';
import { AmendItemsDto, ImposeExportControlDto, ReportLicencesDto } from './export-control.dto';
import { Exchange, PolicyWrites, StreamIdPipe, newStreamId, type WriteExchange } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('export controls')
@Controller('v1/export-controls')
export class ExportControlsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Impose an export control (ExportControlImposed)')
  impose(
    @Body() body: ImposeExportControlDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('export-control');
    return this.writes.record(exchange, { type: 'ImposeExportControl', streamId, body });
  }

  @Post(':id/item-amendments')
  @PolicyWrite('Add or remove controlled items from validFrom on (ExportControlItemsAmended)')
  amendItems(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: AmendItemsDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'AmendExportControlItems', streamId, body });
  }

  @Post(':id/suspensions')
  @PolicyWrite('Suspend the control from validFrom, until validTo if given (ExportControlSuspended)')
  suspend(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'SuspendExportControl', streamId, body });
  }

  @Post(':id/lifts')
  @PolicyWrite('Lift the control from validFrom on (ExportControlLifted)')
  lift(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: LiftDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'LiftExportControl', streamId, body });
  }

  @Post(':id/validity-changes')
  @PolicyWrite('Move the end of the control; null = open-ended (ExportControlValidityChanged)')
  changeValidity(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ValidityChangeDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, {
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
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'ReportExportLicences', streamId, body });
  }
}
