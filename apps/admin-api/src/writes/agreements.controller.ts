import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { ConcludeAgreementDto } from './agreement.dto';
import { Exchange, PolicyWrites, newStreamId, type WriteExchange } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('agreements')
@Controller('v1/agreements')
export class AgreementsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Record a concluded agreement or joint statement (AgreementConcluded)')
  conclude(
    @Body() body: ConcludeAgreementDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('agreement');
    return this.writes.record(exchange, { type: 'ConcludeAgreement', streamId, body });
  }
}
