import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { IQueryHandler, Query as CqrsQuery, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Pool } from 'pg';
import { POLICY_STREAM_TYPES, type RecordedEnvelope } from '@ledger/contracts';
import { PG_POOL } from '@ledger/database';
import { ApiProblems, AuthorizeBrowser, Problem, ROLE_SETS } from '@ledger/http';
import { streamList, type ListedStream } from '@ledger/read-models';
import { GetMeasure, GetMeasureHistory } from '../reads/read-model.queries';
import { TimeQueryDto, toInstant } from '../reads/read-params.dto';
import { StreamIdPipe } from '../writes/policy-writes';
import { measurePage, streamsPage } from './pages';
import { timelineOf, timelineSvg } from './timeline';

/** The most streams one page lists. */
const STREAMS_PER_PAGE = 1000;

export class ListStreams extends CqrsQuery<ListedStream[]> {
  constructor(readonly streamType: string | null) {
    super();
  }
}

@QueryHandler(ListStreams)
export class ListStreamsHandler implements IQueryHandler<ListStreams, ListedStream[]> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ streamType }: ListStreams): Promise<ListedStream[]> {
    return streamList(this.pool, {
      streamTypes: streamType === null ? POLICY_STREAM_TYPES : [streamType],
      limit: STREAMS_PER_PAGE,
    });
  }
}

export class StreamListQueryDto {
  @IsOptional()
  @IsIn(POLICY_STREAM_TYPES)
  type?: string;
}

/**
 * What a person reads in a browser: the picture of a stream's bitemporal history, and small
 * server-rendered pages to browse streams. Read-only; the API key may come as HTTP Basic's
 * password so a browser can ask for it.
 */
@ApiTags('views')
@Controller()
export class UiController {
  constructor(private readonly queries: QueryBus) {}

  private async historyOf(id: string): Promise<RecordedEnvelope[]> {
    const history = await this.queries.execute(new GetMeasureHistory(id));
    if (history.length === 0) throw new Problem(404, 'stream-not-found', `No stream ${id}`);
    return history;
  }

  @Get('v1/measures/:id/timeline.svg')
  @AuthorizeBrowser(ROLE_SETS.read)
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOperation({
    summary: "A stream's bitemporal history as a picture (SVG)",
    description:
      'Valid time across, recorded time down: one band per event over the valid time it speaks of, ' +
      'retracted events struck out and linked to their retraction. The API key may also come as the ' +
      'password of HTTP Basic, so a browser can open it.',
  })
  @ApiOkResponse({
    description: 'An SVG document',
    content: { 'image/svg+xml': { schema: { type: 'string' } } },
  })
  @ApiProblems({ 404: 'No such stream' })
  async timeline(@Param('id', StreamIdPipe) id: string): Promise<string> {
    return timelineSvg(timelineOf(id, await this.historyOf(id)));
  }

  @Get('ui')
  @AuthorizeBrowser(ROLE_SETS.read)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiExcludeEndpoint()
  async streams(@Query() query: StreamListQueryDto): Promise<string> {
    const type = query.type ?? null;
    return streamsPage(await this.queries.execute(new ListStreams(type)), type);
  }

  @Get('ui/measures/:id')
  @AuthorizeBrowser(ROLE_SETS.read)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiExcludeEndpoint()
  async measure(@Param('id', StreamIdPipe) id: string, @Query() query: TimeQueryDto): Promise<string> {
    const history = await this.historyOf(id);
    const now = new Date();
    const time = { asOf: toInstant(query.asOf, now), knownAt: toInstant(query.knownAt, now) };
    const view = await this.queries.execute(new GetMeasure(id, time));
    const timeline = timelineOf(id, history);
    return measurePage({
      id,
      view,
      history,
      retractedIds: new Set(timeline.bands.filter((band) => band.retracted).map((band) => band.eventId)),
      svg: timelineSvg(timeline),
      ...time,
    });
  }
}
