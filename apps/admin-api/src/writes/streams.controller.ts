import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { RetractionDto } from './common.dto';
import { Exchange, PolicyWrites, StreamIdPipe, type WriteExchange } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('corrections')
@Controller('v1/streams')
export class StreamsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post(':id/retractions')
  @PolicyWrite('Retract a wrong event of this stream; events are never edited or deleted (EventRetracted)')
  retract(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: RetractionDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'RetractEvent', streamId, body });
  }
}
