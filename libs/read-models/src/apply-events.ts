import {
  partySearchKey,
  type AnyEventEnvelope,
  type ControlledItem,
  type EventEnvelope,
  type RecordedEnvelope,
  type StreamType,
  unhandledEventType,
  upcastEnvelope,
} from '@ledger/contracts';
import { foldLicenceState, type LicenceSummary } from '@ledger/views';
import type { PoolClient } from 'pg';

import type { Queryable } from './tables';

/**
 * Projection of a batch of events into the bitemporal tables: a fixed number of statements
 * per batch, whatever its size, each inserting all of its rows from one JSON parameter.
 */

interface MeasureRow {
  readonly measure_id: string;
  readonly version: number;
  readonly stream_type: 'tariff-measure' | 'export-control';
  readonly event_id: string;
  readonly recorded_at: string;
  readonly imposer: string;
  readonly valid_from: string;
  readonly announced_at: string;
  readonly legal_instrument: string | null;
  readonly citation: unknown;
  readonly program?: string;
  readonly title?: string;
  readonly targets?: readonly string[];
  readonly excluded_targets?: readonly string[];
  readonly products?: unknown;
  readonly product_scope?: 'all' | 'codes';
  readonly product_codes?: readonly string[];
  readonly kind?: string;
  readonly destinations?: readonly string[];
  readonly excluded_destinations?: readonly string[];
}

interface TimelineRow {
  readonly measure_id: string;
  readonly kind:
    'validity' | 'lift' | 'rate' | 'suspension' | 'postponement' | 'withdrawal' | 'points' | 'stacking';
  readonly version: number;
  readonly event_id: string;
  readonly recorded_at: string;
  readonly valid_from: string | null;
  readonly valid_to: string | null;
  readonly rate: number | null;
  readonly citation: unknown;
  readonly heading: string | null;
  readonly instrument: string | null;
  /** A point suspension: the points and the named provision. */
  readonly points: number | null;
  readonly provision: string | null;
  /** A withdrawal's reason. */
  readonly reason: string | null;
  /** Stacking rules: the programs not stacked on and displaced (empty when none), and the cap. */
  readonly not_stacked_on: readonly string[] | null;
  readonly displaces: readonly string[] | null;
  readonly cap_total: number | null;
  readonly cap_including: readonly string[] | null;
}

interface ItemRow {
  readonly control_id: string;
  readonly version: number;
  readonly op: 'add' | 'remove';
  readonly ordinal: number;
  readonly event_id: string;
  readonly recorded_at: string;
  readonly valid_from: string | null;
  readonly element: string | null;
  readonly control_code: string | null;
  readonly hs_code: string | null;
  readonly item: ControlledItem;
}

interface ProductCodeRow {
  readonly measure_id: string;
  readonly version: number;
  readonly op: 'add' | 'remove' | 'exclude' | 'reinclude';
  readonly ordinal: number;
  readonly event_id: string;
  readonly recorded_at: string;
  readonly valid_from: string | null;
  readonly code: string;
  readonly list: string | null;
  readonly description: string | null;
}

interface PartyListRow {
  readonly list_id: string;
  readonly version: number;
  readonly event_id: string;
  readonly recorded_at: string;
  readonly imposer: string;
  readonly name: string;
}

interface PartyListingRow {
  readonly list_id: string;
  readonly version: number;
  readonly event_id: string;
  readonly recorded_at: string;
  readonly party_id: string;
  readonly listed: boolean;
  readonly valid_from: string;
  readonly citation: unknown;
  readonly name?: string;
  readonly aliases?: readonly string[];
  readonly country?: string;
  readonly addresses?: readonly string[];
  readonly reason?: string;
  readonly licence_requirement?: string;
  readonly licence_review_policy?: string;
  readonly search_keys?: readonly string[];
}

interface RetractionRow {
  readonly retraction_event_id: string;
  readonly retracted_event_id: string;
  readonly recorded_at: string;
}

interface StreamRange {
  readonly streamType: StreamType;
  readonly first: number;
  readonly last: number;
}

interface BatchPlan {
  readonly measures: MeasureRow[];
  readonly timeline: TimelineRow[];
  readonly items: ItemRow[];
  readonly productCodes: ProductCodeRow[];
  readonly partyLists: PartyListRow[];
  readonly partyListings: PartyListingRow[];
  readonly retractions: RetractionRow[];
  readonly licenceIds: Set<string>;
  readonly streams: Map<string, StreamRange>;
}

const INSERT_EVENTS = `
  INSERT INTO read_models.events
    (position, event_id, stream_id, stream_type, stream_version, type, recorded_at, envelope)
  SELECT (e->>'position')::bigint, (e->>'id')::uuid, e->>'streamId', e->>'streamType',
         (e->>'streamVersion')::integer, e->>'type', (e->>'recordedAt')::timestamptz, e
  FROM jsonb_array_elements($1::jsonb) AS e`;

const INSERT_MEASURES = `
  INSERT INTO read_models.measures
    (measure_id, version, stream_type, event_id, recorded_at, imposer, valid_from, announced_at,
     legal_instrument, citation, program, title, targets, excluded_targets, products, product_scope,
     product_codes, kind, destinations, excluded_destinations)
  SELECT measure_id, version, stream_type, event_id, recorded_at, imposer, valid_from, announced_at,
         legal_instrument, citation, program, title, targets, excluded_targets, products, product_scope,
         product_codes, kind, destinations, excluded_destinations
  FROM jsonb_to_recordset($1::jsonb) AS m(
    measure_id text, version integer, stream_type text, event_id uuid, recorded_at timestamptz,
    imposer text, valid_from timestamptz, announced_at timestamptz, legal_instrument text,
    citation jsonb, program text, title text, targets text[], excluded_targets text[],
    products jsonb, product_scope text, product_codes text[], kind text,
    destinations text[], excluded_destinations text[])`;

const INSERT_TIMELINE_ENTRIES = `
  INSERT INTO read_models.timeline_entries
    (measure_id, kind, version, event_id, recorded_at, valid_from, valid_to, rate, citation,
     heading, instrument, points, provision, reason, not_stacked_on, displaces, cap_total, cap_including)
  SELECT measure_id, kind, version, event_id, recorded_at, valid_from, valid_to, rate, citation,
         heading, instrument, points, provision, reason, not_stacked_on, displaces, cap_total, cap_including
  FROM jsonb_to_recordset($1::jsonb) AS t(
    measure_id text, kind text, version integer, event_id uuid, recorded_at timestamptz,
    valid_from timestamptz, valid_to timestamptz, rate numeric, citation jsonb, heading text,
    instrument text, points numeric, provision text, reason text, not_stacked_on text[],
    displaces text[], cap_total numeric, cap_including text[])`;

const INSERT_CONTROL_ITEMS = `
  INSERT INTO read_models.control_items
    (control_id, version, op, ordinal, event_id, recorded_at, valid_from, element, control_code,
     hs_code, item)
  SELECT control_id, version, op, ordinal, event_id, recorded_at, valid_from, element, control_code,
         hs_code, item
  FROM jsonb_to_recordset($1::jsonb) AS i(
    control_id text, version integer, op text, ordinal integer, event_id uuid,
    recorded_at timestamptz, valid_from timestamptz, element text, control_code text,
    hs_code text, item jsonb)`;

const INSERT_PRODUCT_CODES = `
  INSERT INTO read_models.product_codes
    (measure_id, version, op, ordinal, event_id, recorded_at, valid_from, code, list, description)
  SELECT measure_id, version, op, ordinal, event_id, recorded_at, valid_from, code, list, description
  FROM jsonb_to_recordset($1::jsonb) AS p(
    measure_id text, version integer, op text, ordinal integer, event_id uuid,
    recorded_at timestamptz, valid_from timestamptz, code text, list text, description text)`;

const INSERT_PARTY_LISTS = `
  INSERT INTO read_models.party_lists (list_id, version, event_id, recorded_at, imposer, name)
  SELECT list_id, version, event_id, recorded_at, imposer, name
  FROM jsonb_to_recordset($1::jsonb) AS l(
    list_id text, version integer, event_id uuid, recorded_at timestamptz, imposer text, name text)`;

const INSERT_PARTY_LISTINGS = `
  INSERT INTO read_models.party_listings
    (list_id, version, event_id, recorded_at, party_id, listed, valid_from, citation, name, aliases,
     country, addresses, reason, licence_requirement, licence_review_policy, search_keys)
  SELECT list_id, version, event_id, recorded_at, party_id, listed, valid_from, citation, name, aliases,
         country, addresses, reason, licence_requirement, licence_review_policy, search_keys
  FROM jsonb_to_recordset($1::jsonb) AS p(
    list_id text, version integer, event_id uuid, recorded_at timestamptz, party_id text,
    listed boolean, valid_from timestamptz, citation jsonb, name text, aliases text[], country text,
    addresses text[], reason text, licence_requirement text, licence_review_policy text,
    search_keys text[])`;

const INSERT_RETRACTIONS = `
  INSERT INTO read_models.retractions (retraction_event_id, retracted_event_id, recorded_at)
  SELECT retraction_event_id, retracted_event_id, recorded_at
  FROM jsonb_to_recordset($1::jsonb) AS r(
    retraction_event_id uuid, retracted_event_id uuid, recorded_at timestamptz)`;

/**
 * Stamps the earliest known retraction on every row derived from a retracted event. Run for
 * the events retracted in this batch and for the batch's own events, in case a retraction
 * from another stream arrived first. Returns the licences whose current state changed.
 */
const MARK_RETRACTED = `
  WITH retracted AS (
    SELECT retracted_event_id AS event_id, min(recorded_at) AS retracted_at
    FROM read_models.retractions
    WHERE retracted_event_id = ANY($1::uuid[])
    GROUP BY retracted_event_id
  ), events_marked AS (
    UPDATE read_models.events e SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE e.event_id = r.event_id AND e.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING e.stream_id, e.stream_type
  ), measures_marked AS (
    UPDATE read_models.measures m SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE m.event_id = r.event_id AND m.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  ), timeline_marked AS (
    UPDATE read_models.timeline_entries t SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE t.event_id = r.event_id AND t.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  ), items_marked AS (
    UPDATE read_models.control_items i SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE i.event_id = r.event_id AND i.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  ), product_codes_marked AS (
    UPDATE read_models.product_codes p SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE p.event_id = r.event_id AND p.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  ), party_lists_marked AS (
    UPDATE read_models.party_lists l SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE l.event_id = r.event_id AND l.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  ), party_listings_marked AS (
    UPDATE read_models.party_listings p SET retracted_at = r.retracted_at
    FROM retracted r
    WHERE p.event_id = r.event_id AND p.retracted_at IS DISTINCT FROM r.retracted_at
    RETURNING 1
  )
  SELECT DISTINCT stream_id FROM events_marked WHERE stream_type = 'licence'`;

const SELECT_LICENCE_EVENTS = `
  SELECT envelope, retracted_at IS NOT NULL AS retracted
  FROM read_models.events
  WHERE stream_id = ANY($1::text[])
  ORDER BY stream_id, stream_version`;

const DELETE_LICENCES = `DELETE FROM read_models.licences WHERE licence_id = ANY($1::text[])`;

const INSERT_LICENCES = `
  INSERT INTO read_models.licences (licence_id, export_control_id, destination, summary)
  SELECT summary->>'id', summary->>'exportControlId', summary->>'destination', summary
  FROM jsonb_array_elements($1::jsonb) AS summary`;

/** Streams whose applied version does not end right before the batch's first event. */
const SELECT_DISCONTINUOUS_STREAMS = `
  SELECT b.stream_id, coalesce(v.version, 0) AS applied, b.first_version
  FROM unnest($1::text[], $2::integer[]) AS b(stream_id, first_version)
  LEFT JOIN read_models.stream_versions v USING (stream_id)
  WHERE coalesce(v.version, 0) <> b.first_version - 1`;

const UPSERT_STREAM_VERSIONS = `
  INSERT INTO read_models.stream_versions (stream_id, stream_type, version)
  SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
  ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version`;

const SELECT_APPLIED_VERSIONS = `
  SELECT stream_id, version FROM read_models.stream_versions WHERE stream_id = ANY($1::text[])`;

function itemRows(
  event: EventEnvelope<'ExportControlImposed'> | EventEnvelope<'ExportControlItemsAmended'>,
  op: 'add' | 'remove',
  items: readonly ControlledItem[],
  validFrom: string | null,
): ItemRow[] {
  return items.map((item, ordinal) => ({
    control_id: event.streamId,
    version: event.streamVersion,
    op,
    ordinal,
    event_id: event.id,
    recorded_at: event.recordedAt,
    valid_from: validFrom,
    element: item.element ?? null,
    control_code: item.controlCode ?? null,
    hs_code: item.hsCode ?? null,
    item: {
      element: item.element,
      controlCode: item.controlCode,
      hsCode: item.hsCode,
      description: item.description,
    },
  }));
}

function productCodeRows(
  event: EventEnvelope<'TariffImposed' | 'TariffAnnounced' | 'TariffProductsAmended'>,
  op: ProductCodeRow['op'],
  codes: readonly { readonly code: string; readonly list?: string; readonly description?: string }[],
  validFrom: string | null,
): ProductCodeRow[] {
  return codes.map((entry, ordinal) => ({
    measure_id: event.streamId,
    version: event.streamVersion,
    op,
    ordinal,
    event_id: event.id,
    recorded_at: event.recordedAt,
    valid_from: validFrom,
    code: entry.code,
    list: entry.list ?? null,
    description: entry.description ?? null,
  }));
}

const asEntries = (codes: readonly string[] | undefined) => (codes ?? []).map((code) => ({ code }));

/** The batch with each stream's events in version order (streams keep their first appearance order). */
function inStreamOrder(events: readonly RecordedEnvelope[]): RecordedEnvelope[] {
  const streams = new Map<string, RecordedEnvelope[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId) ?? [];
    stream.push(event);
    streams.set(event.streamId, stream);
  }
  return [...streams.values()].flatMap((stream) => stream.sort((a, b) => a.streamVersion - b.streamVersion));
}

/** Which rows each event adds; pure, so the whole batch can be written in a few statements. */
function planBatch(events: readonly AnyEventEnvelope[]): BatchPlan {
  const plan: BatchPlan = {
    measures: [],
    timeline: [],
    items: [],
    productCodes: [],
    partyLists: [],
    partyListings: [],
    retractions: [],
    licenceIds: new Set(),
    streams: new Map(),
  };
  for (const event of events) {
    const range = plan.streams.get(event.streamId);
    if (range !== undefined && event.streamVersion !== range.last + 1) {
      throw new Error(
        `applyEvents: ${event.streamId} v${event.streamVersion} does not follow v${range.last} in the batch`,
      );
    }
    plan.streams.set(event.streamId, {
      streamType: event.streamType,
      first: range?.first ?? event.streamVersion,
      last: event.streamVersion,
    });
    const entry = (
      kind: TimelineRow['kind'],
      validFrom: string | null,
      validTo: string | null | undefined,
      rate: number | null = null,
      details: Partial<
        Pick<
          TimelineRow,
          | 'heading'
          | 'instrument'
          | 'points'
          | 'provision'
          | 'reason'
          | 'not_stacked_on'
          | 'displaces'
          | 'cap_total'
          | 'cap_including'
        >
      > = {},
    ): TimelineRow => ({
      measure_id: event.streamId,
      kind,
      version: event.streamVersion,
      event_id: event.id,
      recorded_at: event.recordedAt,
      valid_from: validFrom,
      valid_to: validTo ?? null,
      rate,
      citation: event.citation,
      heading: null,
      instrument: null,
      points: null,
      provision: null,
      reason: null,
      not_stacked_on: null,
      displaces: null,
      cap_total: null,
      cap_including: null,
      ...details,
    });
    // Any event of a licence, a retraction included, changes its listed version or state.
    if (event.streamType === 'licence') plan.licenceIds.add(event.streamId);
    switch (event.type) {
      case 'TariffImposed':
      case 'TariffAnnounced': {
        const { data } = event;
        plan.measures.push({
          measure_id: event.streamId,
          version: event.streamVersion,
          stream_type: 'tariff-measure',
          event_id: event.id,
          recorded_at: event.recordedAt,
          imposer: data.imposer,
          valid_from: data.validFrom,
          announced_at: data.announcedAt,
          legal_instrument: data.legalInstrument ?? null,
          citation: event.citation,
          program: data.program,
          title: data.title,
          targets: data.targets,
          excluded_targets: data.excludedTargets ?? [],
          products: data.products,
          product_scope: data.products.scope,
          product_codes: data.products.scope === 'codes' ? data.products.codes : [],
        });
        plan.productCodes.push(
          ...productCodeRows(
            event,
            'add',
            asEntries(data.products.scope === 'codes' ? data.products.codes : []),
            null,
          ),
          ...productCodeRows(
            event,
            'exclude',
            asEntries(data.products.scope === 'all' ? data.products.excludedCodes : []),
            null,
          ),
        );
        plan.timeline.push(entry('validity', null, data.validTo));
        // The creation's rate holds for as long as the measure lives, however its end moves; an
        // announcement levies none (the measure views read its intended rate from the event).
        if (event.type === 'TariffImposed') {
          plan.timeline.push(
            entry('rate', data.validFrom, null, data.rate, {
              heading: event.data.heading ?? null,
              instrument: event.data.legalInstrument,
            }),
          );
        }
        break;
      }
      case 'ExportControlImposed': {
        const { data } = event;
        plan.measures.push({
          measure_id: event.streamId,
          version: event.streamVersion,
          stream_type: 'export-control',
          event_id: event.id,
          recorded_at: event.recordedAt,
          imposer: data.imposer,
          valid_from: data.validFrom,
          announced_at: data.announcedAt,
          legal_instrument: data.legalInstrument,
          citation: event.citation,
          kind: data.kind,
          destinations: data.destinations,
          excluded_destinations: data.excludedDestinations ?? [],
        });
        plan.timeline.push(entry('validity', null, data.validTo));
        plan.items.push(...itemRows(event, 'add', data.items, null));
        break;
      }
      case 'TariffRateChanged':
        plan.timeline.push(
          entry('rate', event.data.validFrom, event.data.validTo, event.data.rate, {
            heading: event.data.heading ?? null,
            instrument: event.data.instrument ?? null,
          }),
        );
        break;
      case 'TariffSuspended':
      case 'ExportControlSuspended':
        plan.timeline.push(entry('suspension', event.data.validFrom, event.data.validTo));
        break;
      case 'TariffLifted':
      case 'ExportControlLifted':
        plan.timeline.push(entry('lift', event.data.validFrom, null));
        break;
      case 'TariffValidityChanged':
      case 'ExportControlValidityChanged':
        plan.timeline.push(entry('validity', null, event.data.validTo));
        break;
      case 'ExportControlItemsAmended':
        plan.items.push(
          ...itemRows(event, 'remove', event.data.remove, event.data.validFrom),
          ...itemRows(event, 'add', event.data.add, event.data.validFrom),
        );
        break;
      case 'TariffProductsAmended': {
        const { data } = event;
        plan.productCodes.push(
          ...productCodeRows(event, 'remove', asEntries(data.remove), data.validFrom),
          ...productCodeRows(event, 'add', asEntries(data.add), data.validFrom),
          ...productCodeRows(event, 'reinclude', asEntries(data.reinclude), data.validFrom),
          ...productCodeRows(event, 'exclude', data.exclude ?? [], data.validFrom),
        );
        break;
      }
      case 'EventRetracted':
        plan.retractions.push({
          retraction_event_id: event.id,
          retracted_event_id: event.data.retractedEventId,
          recorded_at: event.recordedAt,
        });
        break;
      case 'TariffPostponed':
        plan.timeline.push(entry('postponement', event.data.validFrom, null));
        break;
      case 'TariffWithdrawn':
        plan.timeline.push(
          entry('withdrawal', event.data.withdrawnAt, null, null, { reason: event.data.reason }),
        );
        break;
      case 'TariffPointsSuspended':
        plan.timeline.push(
          entry('points', event.data.validFrom, event.data.validTo, null, {
            points: event.data.points,
            provision: event.data.provision ?? null,
          }),
        );
        break;
      case 'TariffStackingRulesSet':
        plan.timeline.push(
          entry('stacking', event.data.validFrom, event.data.validTo, null, {
            not_stacked_on: event.data.notStackedOn ?? [],
            displaces: event.data.displaces ?? [],
            cap_total: event.data.cap?.total ?? null,
            cap_including: event.data.cap?.including ?? null,
          }),
        );
        break;
      case 'PartyListCreated':
        plan.partyLists.push({
          list_id: event.streamId,
          version: event.streamVersion,
          event_id: event.id,
          recorded_at: event.recordedAt,
          imposer: event.data.imposer,
          name: event.data.name,
        });
        break;
      case 'PartyListed': {
        const party = event.data;
        plan.partyListings.push({
          list_id: event.streamId,
          version: event.streamVersion,
          event_id: event.id,
          recorded_at: event.recordedAt,
          party_id: party.partyId,
          listed: true,
          valid_from: party.validFrom,
          citation: event.citation,
          name: party.name,
          aliases: party.aliases,
          country: party.country,
          addresses: party.addresses,
          reason: party.reason,
          licence_requirement: party.licenceRequirement,
          licence_review_policy: party.licenceReviewPolicy,
          search_keys: [party.name, ...party.aliases].map(partySearchKey),
        });
        break;
      }
      case 'PartyDelisted':
        plan.partyListings.push({
          list_id: event.streamId,
          version: event.streamVersion,
          event_id: event.id,
          recorded_at: event.recordedAt,
          party_id: event.data.partyId,
          listed: false,
          valid_from: event.data.validFrom,
          citation: event.citation,
        });
        break;
      case 'ExportLicencesReported':
      case 'AgreementConcluded':
      case 'LicenceApplied':
      case 'LicenceApproved':
      case 'LicenceDenied':
      case 'LicenceRevoked':
      case 'LedgerCheckpointSigned':
      case 'ApiKeyCreated':
      case 'ApiKeyRotated':
      case 'ApiKeyExpirySet':
      case 'ApiKeyRevoked':
        // Read from read_models.events (and, for licences, folded into read_models.licences).
        break;
      default:
        unhandledEventType(event);
    }
  }
  return plan;
}

async function insertRows(client: PoolClient, sql: string, rows: readonly unknown[]): Promise<void> {
  if (rows.length > 0) await client.query(sql, [JSON.stringify(rows)]);
}

async function requireContinuity(client: PoolClient, streams: Map<string, StreamRange>): Promise<void> {
  const ids = [...streams.keys()];
  const { rows } = await client.query<{ stream_id: string; applied: number; first_version: number }>(
    SELECT_DISCONTINUOUS_STREAMS,
    [ids, ids.map((id) => streams.get(id)?.first)],
  );
  if (rows.length > 0) {
    const gaps = rows.map((row) => `${row.stream_id} (applied v${row.applied}, got v${row.first_version})`);
    throw new Error(`applyEvents: events are not the next of their stream: ${gaps.join(', ')}`);
  }
}

/**
 * Rebuilds the listed licences from their non-retracted events. The status is left out: it
 * depends on the instant it is read at, so the listing works it out then.
 */
async function refreshLicences(client: PoolClient, licenceIds: readonly string[]): Promise<void> {
  if (licenceIds.length === 0) return;
  const { rows } = await client.query<{ envelope: RecordedEnvelope; retracted: boolean }>(
    SELECT_LICENCE_EVENTS,
    [licenceIds],
  );
  const streams = new Map<string, { envelope: RecordedEnvelope; retracted: boolean }[]>();
  for (const row of rows) {
    const stream = streams.get(row.envelope.streamId) ?? [];
    stream.push(row);
    streams.set(row.envelope.streamId, stream);
  }
  const summaries: Omit<LicenceSummary, 'status'>[] = [];
  for (const [id, stream] of streams) {
    const state = foldLicenceState(
      stream.filter((row) => !row.retracted).map((row) => upcastEnvelope(row.envelope)),
    );
    if (state === null) continue;
    const version = Math.max(...stream.map((row) => row.envelope.streamVersion));
    summaries.push({ id, version, ...state });
  }
  await client.query(DELETE_LICENCES, [licenceIds]);
  await insertRows(client, INSERT_LICENCES, summaries);
}

/**
 * Applies a batch inside the caller's transaction. The caller guarantees each stream's events
 * continue its applied version without gaps (in any interleaving across streams); a batch that
 * breaks this is refused rather than silently projected. `read_models.events` keeps each event
 * as recorded (its hash verifies); the other tables are planned from its upcast form.
 */
export async function applyEvents(client: PoolClient, batch: readonly RecordedEnvelope[]): Promise<void> {
  if (batch.length === 0) return;
  const events = inStreamOrder(batch);
  const plan = planBatch(events.map(upcastEnvelope));
  await requireContinuity(client, plan.streams);
  await insertRows(client, INSERT_EVENTS, events);
  await insertRows(client, INSERT_MEASURES, plan.measures);
  await insertRows(client, INSERT_TIMELINE_ENTRIES, plan.timeline);
  await insertRows(client, INSERT_CONTROL_ITEMS, plan.items);
  await insertRows(client, INSERT_PRODUCT_CODES, plan.productCodes);
  await insertRows(client, INSERT_PARTY_LISTS, plan.partyLists);
  await insertRows(client, INSERT_PARTY_LISTINGS, plan.partyListings);
  await insertRows(client, INSERT_RETRACTIONS, plan.retractions);
  const possiblyRetracted = [
    ...plan.retractions.map((retraction) => retraction.retracted_event_id),
    ...events.map((event) => event.id),
  ];
  const { rows: changedLicences } = await client.query<{ stream_id: string }>(MARK_RETRACTED, [
    possiblyRetracted,
  ]);
  for (const { stream_id } of changedLicences) plan.licenceIds.add(stream_id);
  await refreshLicences(client, [...plan.licenceIds]);
  const ids = [...plan.streams.keys()];
  await client.query(UPSERT_STREAM_VERSIONS, [
    ids,
    ids.map((id) => plan.streams.get(id)?.streamType),
    ids.map((id) => plan.streams.get(id)?.last),
  ]);
}

/** The highest applied version of each listed stream; streams never applied are absent. */
export async function appliedVersions(
  db: Queryable,
  streamIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ stream_id: string; version: number }>(SELECT_APPLIED_VERSIONS, [
    streamIds,
  ]);
  return new Map(rows.map((row) => [row.stream_id, row.version]));
}
