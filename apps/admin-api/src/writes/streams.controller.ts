import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { type Caller, CurrentCaller } from '@ledger/http';
import { RetractionDto } from './common.dto';
import { PolicyWrites, StreamIdPipe } from './policy-writes';
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
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnyEventEnvelope> {
    return this.writes.record(request, response, caller, { type: 'RetractEvent', streamId, body });
  }
}
