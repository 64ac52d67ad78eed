import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { type Caller, CurrentCaller } from '@ledger/http';
import { ConcludeAgreementDto } from './agreement.dto';
import { PolicyWrites, newStreamId } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('agreements')
@Controller('v1/agreements')
export class AgreementsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Record a concluded agreement or joint statement (AgreementConcluded)')
  conclude(
    @Body() body: ConcludeAgreementDto,
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    const streamId = body.id ?? newStreamId('agreement');
    return this.writes.record(request, response, caller, { type: 'ConcludeAgreement', streamId, body });
  }
}
