import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { ApplyForLicenceDto, ApproveLicenceDto, DenyLicenceDto, RevokeLicenceDto } from './licence.dto';
import { Exchange, PolicyWrites, StreamIdPipe, newStreamId, type WriteExchange } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('licences')
@Controller('v1/licences')
export class LicencesController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Record a licence application under an export control (LicenceApplied)')
  apply(@Body() body: ApplyForLicenceDto, @Exchange() exchange: WriteExchange): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('licence');
    return this.writes.record(exchange, { type: 'ApplyForLicence', streamId, body });
  }

  @Post(':id/approval')
  @PolicyWrite('Approve a pending licence (LicenceApproved)')
  approve(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ApproveLicenceDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'ApproveLicence', streamId, body });
  }

  @Post(':id/denial')
  @PolicyWrite('Deny a pending licence (LicenceDenied)')
  deny(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: DenyLicenceDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'DenyLicence', streamId, body });
  }

  @Post(':id/revocation')
  @PolicyWrite('Revoke an approved licence from validFrom on (LicenceRevoked)')
  revoke(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: RevokeLicenceDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'RevokeLicence', streamId, body });
  }
}
