import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEnvelope } from '@ledger/contracts';
import { CreatePartyListDto, DelistPartyDto, ListPartyDto } from './party-list.dto';
import { Exchange, PolicyWrites, StreamIdPipe, newStreamId, type WriteExchange } from './policy-writes';
import { PolicyWrite } from './write-docs';

@ApiTags('parties')
@Controller('v1/parties/lists')
export class PartyListsController {
  constructor(private readonly writes: PolicyWrites) {}

  @Post()
  @PolicyWrite('Create a list of restricted parties, such as the Entity List (PartyListCreated)')
  create(@Body() body: CreatePartyListDto, @Exchange() exchange: WriteExchange): Promise<RecordedEnvelope> {
    const streamId = body.id ?? newStreamId('party-listing');
    return this.writes.record(exchange, { type: 'CreatePartyList', streamId, body });
  }

  @Post(':id/listings')
  @PolicyWrite('Put a party on the list from validFrom on (PartyListed)')
  list(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: ListPartyDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'ListParty', streamId, body });
  }

  @Post(':id/delistings')
  @PolicyWrite('Take a listed party off the list from validFrom on (PartyDelisted)')
  delist(
    @Param('id', StreamIdPipe) streamId: string,
    @Body() body: DelistPartyDto,
    @Exchange() exchange: WriteExchange,
  ): Promise<RecordedEnvelope> {
    return this.writes.record(exchange, { type: 'DelistParty', streamId, body });
  }
}
