import {
  applyDecorators,
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Req,
  Res,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  EMPTY,
  catchError,
  concatMap,
  filter,
  finalize,
  from,
  interval,
  map,
  takeUntil,
  type Observable,
} from 'rxjs';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import {
  TariffChangesTooLarge,
  type EffectiveTariffs,
  type MeasureView,
  type TariffChanges,
} from '@ledger/views';
import {
  ApiKeys,
  ApiProblems,
  Authorize,
  Problem,
  ROLE_SETS,
  authenticatedCaller,
  bearerToken,
  type ProblemStatus,
} from '@ledger/http';
import { Journal } from '@ledger/journal';
import type { LicencePage } from '@ledger/read-models';
import {
  ApiMeasureViewResponse,
  EffectiveTariffsDto,
  EventListDto,
  EventPageDto,
  ExportControlListDto,
  LicencePageDto,
  PartyListPartiesDto,
  PartyScreeningDto,
  TariffChangesDto,
  TariffListDto,
  type EventList,
  type EventPage,
  type ExportControlList,
  type PartyListParties,
  type PartyScreening,
  type TariffList,
} from '../responses/views.dto';
import { StreamIdPipe } from '../writes/policy-writes';
import { ConsistencyGate } from './consistency-gate';
import { ServedAsJsonOrCsv } from './csv';
import {
  EFFECTIVE_LAYERS_TABLE,
  EVENTS_TABLE,
  EXPORT_CONTROLS_TABLE,
  LICENCES_TABLE,
  TARIFF_CHANGES_TABLE,
  TARIFF_LIST_TABLE,
} from './list-tables';
import { JournalTail } from './journal-tail';
import { StreamAdmission } from './stream-admission';
import {
  EventsQueryDto,
  DEFAULT_SCREEN_LIMIT,
  DEFAULT_SCREEN_THRESHOLD,
  ExportControlsActiveQueryDto,
  LicencesQueryDto,
  PartyScreenQueryDto,
  TariffChangesQueryDto,
  TariffListQueryDto,
  TariffsEffectiveQueryDto,
  TimeQueryDto,
  toInstant,
} from './read-params.dto';
import {
  GetActiveExportControls,
  GetEffectiveTariffs,
  GetMeasure,
  GetMeasureHistory,
  GetTariffChanges,
  ListLicences,
  ListTariffs,
  ScreenParties,
} from './read-model.queries';

const DEFAULT_PAGE = 100;

const GATED = "With a Consistency-Token header (a write's), waits until the read models include that write.";

/**
 * A read from the read models: its Consistency-Token header and its problems, beyond those of
 * every authorised route.
 */
function ReadProblems(more: Partial<Record<ProblemStatus, string>> = {}) {
  return applyDecorators(
    ApiHeader({
      name: 'Consistency-Token',
      required: false,
      description: 'The Consistency-Token of a write: the read waits until the read models include it',
      schema: { type: 'string', pattern: '^\\d{1,15}$' },
    }),
    ApiProblems({
      400: 'A query parameter or the Consistency-Token is invalid (problem+json with field errors)',
      503: 'The Consistency-Token was not projected within CONSISTENCY_WAIT_MS (Retry-After)',
      ...more,
    }),
  );
}

function timeOf(query: TimeQueryDto): { asOf: string; knownAt: string } {
  const now = new Date();
  return { asOf: toInstant(query.asOf, now), knownAt: toInstant(query.knownAt, now) };
}

@ApiTags('views')
@Controller('v1')
export class ReadsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly gate: ConsistencyGate,
    private readonly journal: Journal,
    private readonly tail: JournalTail,
    private readonly admission: StreamAdmission,
    private readonly keys: ApiKeys,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Get('tariffs')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(TARIFF_LIST_TABLE, TariffListDto)
  @ApiOperation({
    summary:
      'Every tariff of an imposer reaching an origin, scheduled, in force or suspended at asOf as known at knownAt',
    description:
      'Measures that name the origin or reach it through `*`, with their rate at asOf (null while scheduled), ' +
      'products, life and citation. `program` narrows the list to one program. ' +
      GATED,
  })
  @ReadProblems()
  async tariffs(@Query() query: TariffListQueryDto, @Req() request: Request): Promise<TariffList> {
    await this.gate.waitFor(request);
    const tariffs = await this.queries.execute(
      new ListTariffs({
        imposer: query.imposer,
        origin: query.origin,
        program: query.program,
        ...timeOf(query),
      }),
    );
    return { tariffs };
  }

  @Get('tariffs/changes')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(TARIFF_CHANGES_TABLE, TariffChangesDto)
  @ApiOperation({
    summary:
      'What changed in the duty on a product in [from, to): in valid time (as known at knownAt) and in recorded time',
    description:
      '`validTime`: each instant in [from, to) where the effective total or a layer changes, as known at knownAt. ' +
      '`recordedTime`: each event recorded in [from, to) that changed an answer, with the earliest valid instant it changed. ' +
      'A range too long to compute is refused (400 changes-range-too-large). ' +
      GATED,
  })
  @ReadProblems()
  async tariffChanges(
    @Query() query: TariffChangesQueryDto,
    @Req() request: Request,
  ): Promise<TariffChanges> {
    await this.gate.waitFor(request);
    const now = new Date();
    try {
      return await this.queries.execute(
        new GetTariffChanges({
          imposer: query.imposer,
          origin: query.origin,
          product: query.product,
          from: toInstant(query.from, now),
          to: toInstant(query.to, now),
          knownAt: toInstant(query.knownAt, now),
        }),
      );
    } catch (error) {
      if (error instanceof TariffChangesTooLarge)
        throw new Problem(400, 'changes-range-too-large', error.message);
      throw error;
    }
  }

  @Get('tariffs/effective')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(EFFECTIVE_LAYERS_TABLE, EffectiveTariffsDto)
  @ApiOperation({
    summary:
      'Additional duty layers in force on a product from an origin, each covering the product code fully or partially, and the sum of the full ones',
    description:
      'Each layer has its legal rate, the rate applied after partial suspensions, where it comes from (citation, ' +
      'heading, instrument) and whether it covers the queried code fully; `total` sums the full layers. ' +
      GATED,
  })
  @ReadProblems()
  async tariffsEffective(
    @Query() query: TariffsEffectiveQueryDto,
    @Req() request: Request,
  ): Promise<EffectiveTariffs> {
    await this.gate.waitFor(request);
    return this.queries.execute(
      new GetEffectiveTariffs({
        imposer: query.imposer,
        origin: query.origin,
        product: query.product,
        ...timeOf(query),
      }),
    );
  }

  @Get('export-controls/active')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(EXPORT_CONTROLS_TABLE, ExportControlListDto)
  @ApiOperation({
    summary: 'Export controls in force, by imposer, item (element, control code, HS code), destination',
    description:
      'Controls in force at asOf as known at knownAt; `item` matches an element symbol or a control code ' +
      '(case-insensitive) or an HS code (a listed code covers longer ones). ' +
      GATED,
  })
  @ReadProblems()
  async exportControlsActive(
    @Query() query: ExportControlsActiveQueryDto,
    @Req() request: Request,
  ): Promise<ExportControlList> {
    await this.gate.waitFor(request);
    const controls = await this.queries.execute(
      new GetActiveExportControls({
        imposer: query.imposer,
        item: query.item,
        destination: query.destination,
        ...timeOf(query),
      }),
    );
    return { controls };
  }

  @Get('licences')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(LICENCES_TABLE, LicencePageDto)
  @ApiOperation({
    summary: 'Export licences by status, control and destination; paginated by `after`',
    description:
      'Statuses are those of now (`expired`: an approval past its validTo). Pass `next` as `after` for the next ' +
      'page; as CSV, the next page is in a Link header. ' +
      GATED,
  })
  @ReadProblems()
  async licences(@Query() query: LicencesQueryDto, @Req() request: Request): Promise<LicencePage> {
    await this.gate.waitFor(request);
    return this.queries.execute(
      new ListLicences({
        status: query.status,
        exportControlId: query.exportControlId,
        destination: query.destination,
        after: query.after,
        limit: query.limit ?? DEFAULT_PAGE,
      }),
    );
  }

  @Get('measures/:id')
  @Authorize(ROLE_SETS.read)
  @ApiOperation({
    summary:
      'Any stream (measure, control, licence, agreement, party list): state, status and version at (asOf, knownAt)',
    description: 'The ETag header is the version, for If-Match on the next write to the stream. ' + GATED,
  })
  @ApiMeasureViewResponse('The stream, with an ETag header')
  @ReadProblems({ 404: 'No such stream is known at knownAt' })
  async measure(
    @Param('id', StreamIdPipe) id: string,
    @Query() query: TimeQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MeasureView> {
    await this.gate.waitFor(request);
    const view = await this.queries.execute(new GetMeasure(id, timeOf(query)));
    if (!view) throw new Problem(404, 'stream-not-found', `No stream ${id} is known at that time`);
    response.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get('parties/screen')
  @Authorize(ROLE_SETS.read)
  @ApiOperation({
    summary:
      'Screen a name against the parties listed at (asOf, knownAt): candidates with a score, best first',
    description:
      'Names and aliases are compared by trigrams after folding both to ASCII (accents dropped, other ' +
      'scripts romanised, umlaut spellings and legal forms such as Co., Ltd. set aside). The score is in ' +
      '[0, 1]; candidates from `threshold` up are returned, at most `limit`. ' +
      GATED,
  })
  @ApiOkResponse({ type: PartyScreeningDto })
  @ReadProblems()
  async screenParties(@Query() query: PartyScreenQueryDto, @Req() request: Request): Promise<PartyScreening> {
    await this.gate.waitFor(request);
    const matches = await this.queries.execute(
      new ScreenParties({
        name: query.name,
        country: query.country,
        threshold: query.threshold ?? DEFAULT_SCREEN_THRESHOLD,
        limit: query.limit ?? DEFAULT_SCREEN_LIMIT,
        ...timeOf(query),
      }),
    );
    return { matches };
  }

  @Get('parties/lists/:id')
  @Authorize(ROLE_SETS.read)
  @ApiOperation({
    summary: 'The parties on a list at (asOf, knownAt), by party id',
    description: "The ETag header is the list's version, for If-Match on the next write to it. " + GATED,
  })
  @ApiOkResponse({ type: PartyListPartiesDto })
  @ReadProblems({ 404: 'No such list is known at knownAt' })
  async partyList(
    @Param('id', StreamIdPipe) id: string,
    @Query() query: TimeQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PartyListParties> {
    await this.gate.waitFor(request);
    const view = await this.queries.execute(new GetMeasure(id, timeOf(query)));
    if (view?.streamType !== 'party-listing') {
      throw new Problem(404, 'stream-not-found', `No party list ${id} is known at that time`);
    }
    response.setHeader('ETag', `"${view.version}"`);
    const { imposer, name, parties } = view.state;
    return { list: { id, imposer, name }, parties };
  }

  @Get('measures/:id/history')
  @Authorize(ROLE_SETS.read)
  @ApiOperation({
    summary: 'Every event of a stream in version order, retractions included',
    description: 'The events as recorded, each at the schema version it was recorded with. ' + GATED,
  })
  @ApiOkResponse({ type: EventListDto })
  @ReadProblems({ 404: 'No such stream' })
  async history(@Param('id', StreamIdPipe) id: string, @Req() request: Request): Promise<EventList> {
    await this.gate.waitFor(request);
    const events = await this.queries.execute(new GetMeasureHistory(id));
    if (events.length === 0) throw new Problem(404, 'stream-not-found', `No stream ${id}`);
    return { events };
  }

  @Get('events')
  @Authorize(ROLE_SETS.read)
  @ServedAsJsonOrCsv(EVENTS_TABLE, EventPageDto, '{ events, next }: pass next as `after` to continue')
  @ApiOperation({
    summary: 'The global event feed from the journal, by position; gap-safe; `next` is the cursor',
    description:
      'Read from the journal, not the read models: every event after position `after`, at most `limit`. ' +
      'Positions may have gaps but never reorder; `next` is the last position of the page.',
  })
  @ApiProblems({ 400: 'A query parameter is invalid (problem+json with field errors)' })
  async events(@Query() query: EventsQueryDto): Promise<EventPage> {
    const after = query.after ?? 0;
    const events = await this.journal.readAll(after, query.limit ?? DEFAULT_PAGE);
    return { events, next: events.at(-1)?.position ?? after };
  }

  @Sse('events/stream')
  @Authorize(ROLE_SETS.read)
  @ApiOperation({
    summary: 'Server-Sent Events: every event after Last-Event-ID (or ?after=), then live; SSE id = position',
    description:
      'Each message is `event: policy-event`, `id: <position>`, `data: <envelope JSON>`. The stream ends when ' +
      'the key it was opened with is revoked, expires or is deleted. Open streams are limited per key and in all.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'A stream of policy-event messages, each data an event envelope (RecordedEnvelope)',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems({
    400: 'A query parameter or Last-Event-ID is invalid',
    429: 'This key holds as many open event streams as SSE_MAX_PER_KEY allows',
    503: 'The server holds as many event streams as SSE_MAX_CONNECTIONS allows (Retry-After)',
  })
  stream(@Query() query: EventsQueryDto, @Req() request: Request): Observable<MessageEvent> {
    const lastEventId = request.headers['last-event-id'];
    let after = query.after ?? 0;
    if (lastEventId !== undefined) {
      if (typeof lastEventId !== 'string' || !/^\d{1,15}$/.test(lastEventId)) {
        throw new Problem(
          400,
          'last-event-id-malformed',
          'Last-Event-ID must be a position this stream sent',
        );
      }
      after = Number(lastEventId);
    }
    const release = this.admission.admit(authenticatedCaller(request).keyId);
    return this.tail.follow(after).pipe(
      map((event) => ({ id: String(event.position), type: 'policy-event', data: event })),
      takeUntil(this.keyWithdrawn(bearerToken(request) ?? '')),
      finalize(release),
    );
  }

  /**
   * Emits once the key a stream was opened with no longer reads: revoked, expired or deleted,
   * checked every SSE_REAUTH_MS. A check the database cannot answer keeps the stream open.
   */
  private keyWithdrawn(token: string): Observable<unknown> {
    const readers: readonly string[] = ROLE_SETS.read;
    return interval(this.config.sse.reauthMs).pipe(
      concatMap(() => from(this.keys.identify(token)).pipe(catchError(() => EMPTY))),
      filter((caller) => caller === null || !readers.includes(caller.role)),
    );
  }
}
