import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { type Caller, CurrentCaller } from '@ledger/http';
import { ApplyForLicenceDto, ApproveLicenceDto, DenyLicenceDto, RevokeLicenceDto } from './licence.dto';
import { PolicyWrites, StreamIdPipe, newStreamId } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('licences')
@Controller('v1/licences')
export class LicencesController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Record a licence application under an export control (LicenceApplied)')
  apply(
    @Body() body: ApplyForLicenceDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    const streamId = body.id ?? newStreamId('licence');
    return this.writes.record(request, response, caller, { type: 'ApplyForLicence', streamId, body });
  }

  @Post(':id/approval')
  @PolicyWrite('Approve a pending licence (LicenceApproved)')
  approve(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ApproveLicenceDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'ApproveLicence', streamId, body });
  }

  @Post(':id/denial')
  @PolicyWrite('Deny a pending licence (LicenceDenied)')
  deny(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: DenyLicenceDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'DenyLicence', streamId, body });
  }

  @Post(':id/revocation')
  @PolicyWrite('Revoke an approved licence from validFrom on (LicenceRevoked)')
  revoke(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: RevokeLicenceDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'RevokeLicence', streamId, body });
  }
}
