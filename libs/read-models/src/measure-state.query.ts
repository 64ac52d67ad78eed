import {
  upcastEnvelope,
  type ControlledItem,
  type ExportControlKind,
  type ExportLicencesReported,
  type ProductScope,
  type RecordedEnvelope,
  type StreamType,
  type Citation,
} from '@ledger/contracts';
import {
  foldAgreement,
  productLine,
  foldLicence,
  type Bitemporal,
  type Life,
  type MeasureStatus,
  type MeasureView,
  type PartialSuspension,
  type ProductCoverage,
  type ValidWindow,
} from '@ledger/views';
import {
  MEASURES_AT,
  instant,
  instantOrNull,
  itemsAt,
  knownAtK,
  productCodesAt,
} from './measure-timeline.sql';
import { partyListings } from './party-listings.query';
import type { Queryable } from './tables';

/** $1 stream id, $2 knownAt: the stream's type and highest version recorded by K. */
const STREAM_KNOWN_AT = `
  SELECT stream_type, max(stream_version) AS version
  FROM read_models.events
  WHERE stream_id = $1 AND recorded_at <= $2::timestamptz
  GROUP BY stream_type`;

/** A tariff measure or export control at T as known at K ($3 = its id). */
const MEASURE_AT = `
  WITH candidates AS (SELECT $3::text AS measure_id),
  ${MEASURES_AT}
  SELECT m.status, m.imposer, m.starts_at, m.expires_at, m.lifted_from, m.announced_at,
         m.legal_instrument, m.program, m.title, m.targets, m.excluded_targets, m.products,
         m.kind, m.destinations, m.excluded_destinations,
         CASE WHEN m.status IN ('in-force', 'suspended') THEN m.rate::text END AS rate,
         CASE WHEN m.creation_type = 'TariffAnnounced' THEN m.creation_rate::text END AS intended_rate,
         m.withdrawn_at, m.withdrawal_reason,
         coalesce((
           SELECT jsonb_agg(jsonb_build_object('points', e.points, 'provision', e.provision,
                                               'validFrom', e.valid_from, 'validTo', e.valid_to,
                                               'citation', e.citation) ORDER BY e.version)
           FROM read_models.timeline_entries e
           WHERE e.measure_id = m.measure_id AND e.kind = 'points' AND ${knownAtK('e')}
         ), '[]'::jsonb) AS partial_suspensions,
         suspensions.starts AS suspension_starts, suspensions.ends AS suspension_ends,
         coalesce((SELECT jsonb_agg(x.item ORDER BY x.version, x.ordinal) FROM (${itemsAt('m')}) x), '[]'::jsonb)
           AS items,
         coalesce((
           SELECT jsonb_agg(ev.envelope->'data' ORDER BY ev.stream_version)
           FROM read_models.events ev
           WHERE ev.stream_id = m.measure_id AND ev.type = 'ExportLicencesReported' AND ${knownAtK('ev')}
         ), '[]'::jsonb) AS licence_reports,
         coalesce((
           SELECT jsonb_agg(c ORDER BY c.code COLLATE "C")
           FROM (${productCodesAt('m')}) c
           WHERE m.stream_type = 'tariff-measure' AND (c.kind = 'exclusion' OR m.product_scope = 'codes')
         ), '[]'::jsonb) AS product_codes
  FROM measures_at m
  CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(e.valid_from ORDER BY e.version), '{}') AS starts,
           coalesce(array_agg(e.valid_to ORDER BY e.version), '{}') AS ends
    FROM read_models.timeline_entries e
    WHERE e.measure_id = m.measure_id AND e.kind = 'suspension' AND ${knownAtK('e')}
  ) suspensions`;

/** $1 stream id, $2 knownAt: the stream's events known at K, in order. */
const EVENTS_KNOWN_AT = `
  SELECT e.envelope
  FROM read_models.events e
  WHERE e.stream_id = $1 AND ${knownAtK('e')}
  ORDER BY e.stream_version`;

/** $1 the list's id, $2 knownAt: the latest known creation of a party list. */
const PARTY_LIST_KNOWN_AT = `
  SELECT l.imposer, l.name
  FROM read_models.party_lists l
  WHERE l.list_id = $1 AND ${knownAtK('l')}
  ORDER BY l.version DESC
  LIMIT 1`;

interface MeasureRow {
  readonly status: MeasureStatus;
  readonly imposer: string;
  readonly starts_at: Date;
  readonly expires_at: Date | null;
  readonly lifted_from: Date | null;
  readonly announced_at: Date;
  readonly legal_instrument: string | null;
  readonly program: string | null;
  readonly title: string | null;
  readonly targets: string[] | null;
  readonly excluded_targets: string[] | null;
  readonly products: ProductScope | null;
  readonly kind: ExportControlKind | null;
  readonly destinations: string[] | null;
  readonly excluded_destinations: string[] | null;
  readonly rate: string | null;
  readonly intended_rate: string | null;
  readonly withdrawn_at: Date | null;
  readonly withdrawal_reason: string | null;
  readonly partial_suspensions: {
    points: number;
    provision: string | null;
    validFrom: string;
    validTo: string | null;
    citation: Citation | null;
  }[];
  readonly suspension_starts: Date[];
  readonly suspension_ends: (Date | null)[];
  readonly items: ControlledItem[];
  readonly licence_reports: ExportLicencesReported[];
  readonly product_codes: {
    kind: 'line' | 'exclusion';
    code: string;
    list: string | null;
    description: string | null;
  }[];
}

function lifeOf(row: MeasureRow): Life {
  return {
    validFrom: instant(row.starts_at),
    validTo: instantOrNull(row.expires_at),
    liftedFrom: instantOrNull(row.lifted_from),
  };
}

function partialSuspensionsOf(row: MeasureRow): PartialSuspension[] {
  return row.partial_suspensions.map((suspension) => ({
    points: Number(suspension.points),
    provision: suspension.provision,
    validFrom: instant(new Date(suspension.validFrom)),
    validTo: suspension.validTo === null ? null : instant(new Date(suspension.validTo)),
    citation: suspension.citation,
  }));
}

function suspensionsOf(row: MeasureRow): ValidWindow[] {
  return row.suspension_starts.map((start, index) => ({
    validFrom: instant(start),
    validTo: instantOrNull(row.suspension_ends[index] ?? null),
  }));
}

function coverageOf(row: MeasureRow): ProductCoverage {
  const line = (code: string) => productLine(code, row.imposer);
  return {
    scope: row.products?.scope ?? 'codes',
    codes: row.product_codes.filter((entry) => entry.kind === 'line').map((entry) => line(entry.code)),
    excludedCodes: row.product_codes
      .filter((entry) => entry.kind === 'exclusion')
      .map(({ code, list, description }) => ({ ...line(code), list, description })),
  };
}

/**
 * Any stream's state and status at asOf as known at knownAt, with the stream's highest version
 * recorded by then; null when the stream, or its creation, is not known at knownAt.
 */
export async function measureState(db: Queryable, id: string, at: Bitemporal): Promise<MeasureView | null> {
  const { rows: streams } = await db.query<{ stream_type: StreamType; version: number }>(STREAM_KNOWN_AT, [
    id,
    at.knownAt,
  ]);
  if (streams.length === 0) return null;
  const { stream_type: streamType, version } = streams[0];
  switch (streamType) {
    case 'tariff-measure':
    case 'export-control': {
      const { rows } = await db.query<MeasureRow>(MEASURE_AT, [at.asOf, at.knownAt, id]);
      if (rows.length === 0) return null;
      const row = rows[0];
      if (streamType === 'tariff-measure') {
        return {
          id,
          streamType,
          status: row.status,
          version,
          state: {
            imposer: row.imposer,
            targets: row.targets ?? [],
            excludedTargets: row.excluded_targets ?? [],
            program: row.program ?? '',
            products: row.products ?? { scope: 'codes', codes: [] },
            title: row.title ?? '',
            legalInstrument: row.legal_instrument,
            announcedAt: instant(row.announced_at),
            life: lifeOf(row),
            suspensions: suspensionsOf(row),
            partialSuspensions: partialSuspensionsOf(row),
            rate: row.rate === null ? null : Number(row.rate),
            intendedRate: row.intended_rate === null ? null : Number(row.intended_rate),
            withdrawal:
              row.withdrawn_at === null || row.withdrawal_reason === null
                ? null
                : { withdrawnAt: instant(row.withdrawn_at), reason: row.withdrawal_reason },
            coverage: coverageOf(row),
          },
        };
      }
      return {
        id,
        streamType,
        status: row.status,
        version,
        state: {
          imposer: row.imposer,
          destinations: row.destinations ?? [],
          excludedDestinations: row.excluded_destinations ?? [],
          kind: row.kind ?? 'licence-required',
          legalInstrument: row.legal_instrument ?? '',
          announcedAt: instant(row.announced_at),
          life: lifeOf(row),
          suspensions: suspensionsOf(row),
          items: row.items,
          licenceReports: row.licence_reports,
        },
      };
    }
    case 'licence':
    case 'agreement': {
      const { rows } = await db.query<{ envelope: RecordedEnvelope }>(EVENTS_KNOWN_AT, [id, at.knownAt]);
      const known = rows.map((row) => upcastEnvelope(row.envelope));
      if (streamType === 'agreement') {
        const agreement = foldAgreement(known);
        return agreement && { id, streamType, status: 'concluded', version, state: agreement };
      }
      const licence = foldLicence(known, at.asOf);
      return licence && { id, streamType, status: licence.status, version, state: licence.state };
    }
    case 'party-listing': {
      const { rows } = await db.query<{ imposer: string; name: string }>(PARTY_LIST_KNOWN_AT, [
        id,
        at.knownAt,
      ]);
      if (rows.length === 0) return null;
      const parties = await partyListings(db, { ...at, listId: id });
      return { id, streamType, status: 'kept', version, state: { ...rows[0], parties } };
    }
    case 'ledger':
      // The ledger's own stream is no measure; its events are read through the event feed.
      return null;
  }
}
