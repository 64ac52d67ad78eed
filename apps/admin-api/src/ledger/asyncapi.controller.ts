import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument } from '@ledger/contracts';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { Public } from '@ledger/http';

/** The event topic's contract for subscribers, next to the HTTP API's (`/docs`). */
@ApiTags('ledger')
@Controller()
export class AsyncApiController {
  private readonly document: object;

  constructor(@Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.document = asyncApiDocument({
      topic: config.kafka.topic,
      version: '1',
      brokers: config.kafka.brokers,
    });
  }

  @Get('asyncapi.json')
  // The topic's contract is documentation, as /docs is.
  @Public()
  @ApiOperation({
    summary: 'The AsyncAPI 3.0 document of the event topic: one message per event type, with its schema',
    description: 'The contract subscribers of the Kafka topic code against; no key needed.',
  })
  @ApiOkResponse({ description: 'An AsyncAPI 3.0.0 document', schema: { type: 'object' } })
  asyncApi(): object {
    return this.document;
  }
}
