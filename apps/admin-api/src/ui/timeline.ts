import escapeHtml from 'escape-html';
import {
  upcastEnvelope,
  type AnyEventEnvelope,
  type PolicyEventType,
  type RecordedEnvelope,
} from '@ledger/contracts';

/** How a band is drawn: what the event does to the stream in valid time. */
export type BandKind =
  'announced' | 'rate' | 'suspension' | 'lift' | 'coverage' | 'validity' | 'end' | 'retraction' | 'report';

/** One event of a stream's history: a row (recorded time runs down) and its span in valid time. */
export interface TimelineBand {
  readonly eventId: string;
  readonly version: number;
  readonly type: string;
  readonly recordedAt: string;
  readonly kind: BandKind;
  readonly label: string;
  /** The valid time it speaks of: a span [from, to) (to null: open), or a single instant (to = from). */
  readonly from: string | null;
  readonly to: string | null;
  readonly point: boolean;
  /** Retracted by a later event of the stream: drawn struck out, the record kept. */
  readonly retracted: boolean;
  /** For a retraction, the version of the event it retracts. */
  readonly retracts: number | null;
}

export interface Timeline {
  readonly streamId: string;
  readonly bands: readonly TimelineBand[];
}

/** Every policy event type, so a new one fails to compile until it is given a band. */
const KIND_BY_TYPE: Readonly<Record<PolicyEventType, BandKind>> = {
  TariffAnnounced: 'announced',
  TariffImposed: 'rate',
  TariffRateChanged: 'rate',
  ExportControlImposed: 'rate',
  LicenceApproved: 'rate',
  AgreementConcluded: 'rate',
  PartyListCreated: 'rate',
  TariffSuspended: 'suspension',
  TariffPointsSuspended: 'suspension',
  ExportControlSuspended: 'suspension',
  TariffLifted: 'lift',
  ExportControlLifted: 'lift',
  TariffProductsAmended: 'coverage',
  TariffStackingRulesSet: 'coverage',
  ExportControlItemsAmended: 'coverage',
  PartyListed: 'coverage',
  PartyDelisted: 'coverage',
  TariffValidityChanged: 'validity',
  ExportControlValidityChanged: 'validity',
  TariffPostponed: 'validity',
  LicenceApplied: 'validity',
  TariffWithdrawn: 'end',
  LicenceDenied: 'end',
  LicenceRevoked: 'end',
  EventRetracted: 'retraction',
  ExportLicencesReported: 'report',
};

/** The instant fields an event without a span speaks of, in the order they are looked for. */
const POINT_FIELDS = [
  'validTo',
  'withdrawnAt',
  'decidedAt',
  'appliedAt',
  'concludedAt',
  'validFrom',
] as const;

type Fields = Readonly<Record<string, unknown>>;

/** A payload read field by field: the band reads the fields event types share by name. */
function fieldsOf(event: AnyEventEnvelope): Fields {
  const data: object = event.data;
  return data as Fields;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function validTimeOf(event: AnyEventEnvelope): Pick<TimelineBand, 'from' | 'to' | 'point'> {
  const data = fieldsOf(event);
  const period = data.period as Fields | undefined;
  if (period !== undefined) return { from: text(period.from), to: text(period.to), point: false };
  if (typeof data.validFrom === 'string' && event.type !== 'TariffPostponed') {
    return { from: data.validFrom, to: text(data.validTo), point: false };
  }
  const field = POINT_FIELDS.find((name) => typeof data[name] === 'string');
  const at = field === undefined ? null : (data[field] as string);
  return { from: at, to: at, point: true };
}

function labelOf(event: AnyEventEnvelope, retractedVersion: number | null): string {
  const data = fieldsOf(event);
  const parts: string[] = [event.type];
  if (typeof data.rate === 'number') parts.push(`${data.rate} %`);
  if (typeof data.points === 'number') parts.push(`−${data.points} pts`);
  if (typeof data.partyId === 'string') parts.push(data.partyId);
  if (event.type === 'TariffValidityChanged' || event.type === 'ExportControlValidityChanged') {
    parts.push(data.validTo === null ? 'end removed' : 'new end');
  }
  if (retractedVersion !== null) parts.push(`of v${retractedVersion}`);
  return parts.join(' ');
}

/** The bands of a stream's history (as recorded, read through the current schemas), in version order. */
export function timelineOf(streamId: string, history: readonly RecordedEnvelope[]): Timeline {
  const events = history.map(upcastEnvelope).sort((a, b) => a.streamVersion - b.streamVersion);
  const versionById = new Map(events.map((event) => [event.id, event.streamVersion]));
  const retractedIds = new Set(
    events.flatMap((event) => (event.type === 'EventRetracted' ? [event.data.retractedEventId] : [])),
  );
  const bands = events.map((event): TimelineBand => {
    const retracts =
      event.type === 'EventRetracted' ? (versionById.get(event.data.retractedEventId) ?? null) : null;
    return {
      eventId: event.id,
      version: event.streamVersion,
      type: event.type,
      recordedAt: event.recordedAt,
      kind: event.type in KIND_BY_TYPE ? KIND_BY_TYPE[event.type as PolicyEventType] : 'validity',
      label: labelOf(event, retracts),
      ...(event.type === 'EventRetracted' ? { from: null, to: null, point: true } : validTimeOf(event)),
      retracted: retractedIds.has(event.id),
      retracts,
    };
  });
  return { streamId, bands };
}

const WIDTH = 1000;
const LABELS = 330;
const PLOT_END = WIDTH - 20;
const HEADER = 44;
const ROW = 26;
const DAY = 86_400_000;

/** The valid-time window drawn: every instant the bands name, padded; a month around a single one. */
function windowOf(bands: readonly TimelineBand[]): { start: number; end: number } {
  const instants = bands
    .flatMap((band) => [band.from, band.to])
    .flatMap((at) => (at === null ? [] : [Date.parse(at)]));
  if (instants.length === 0) return { start: Date.now() - 30 * DAY, end: Date.now() + 30 * DAY };
  const first = Math.min(...instants);
  const last = Math.max(...instants);
  const pad = Math.max((last - first) * 0.06, 15 * DAY);
  return { start: first - pad, end: last + pad };
}

function ticks(start: number, end: number): number[] {
  const count = 6;
  return Array.from({ length: count + 1 }, (_, index) => start + ((end - start) * index) / count);
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

const STYLE = `
  text { font: 11px system-ui, sans-serif; fill: #1f2933; }
  .axis { stroke: #9aa5b1; }
  .grid { stroke: #e4e7eb; }
  .band { stroke-width: 1; }
  .band.announced { fill: #cfe3fb; stroke: #4a90d9; stroke-dasharray: 4 2; }
  .band.rate { fill: #4a90d9; stroke: #245f9e; }
  .band.suspension { fill: #f5a623; stroke: #b36b00; }
  .band.lift { fill: #7ed321; stroke: #4a8a0c; }
  .band.coverage { fill: #9b6bd3; stroke: #5e3591; }
  .band.validity { fill: #9aa5b1; stroke: #52606d; }
  .band.end { fill: #8b1e1e; stroke: #5c0f0f; }
  .band.report { fill: #b8c4ce; stroke: #52606d; }
  .band.retraction { fill: #d0021b; stroke: #8b0000; }
  .retracted .band { fill-opacity: 0.25; stroke-dasharray: 3 3; }
  .retracted .label { text-decoration: line-through; fill: #7b8794; }
  .link { stroke: #d0021b; stroke-dasharray: 2 2; fill: none; }
  .open { fill: #52606d; }`;

/** The picture: valid time across, recorded time (version order) down, one band per event. */
export function timelineSvg(timeline: Timeline): string {
  const { bands } = timeline;
  const { start, end } = windowOf(bands);
  const x = (at: string): number => LABELS + ((Date.parse(at) - start) / (end - start)) * (PLOT_END - LABELS);
  const height = HEADER + bands.length * ROW + 10;
  const rowY = (version: number): number =>
    HEADER + (bands.findIndex((band) => band.version === version) + 0.5) * ROW;

  const axis = ticks(start, end)
    .map((at, index, all) => {
      const tx = LABELS + ((at - start) / (end - start)) * (PLOT_END - LABELS);
      const anchor = index === all.length - 1 ? 'end' : 'middle';
      return `<line class="grid" x1="${tx.toFixed(1)}" y1="${HEADER - 6}" x2="${tx.toFixed(1)}" y2="${height - 10}"/><text x="${tx.toFixed(1)}" y="${HEADER - 12}" text-anchor="${anchor}">${day(at)}</text>`;
    })
    .join('');

  const rows = bands.map((band, index) => {
    const y = HEADER + index * ROW;
    const title = escapeHtml(
      `v${band.version} ${band.type} (recorded ${band.recordedAt})` +
        (band.from === null
          ? ''
          : band.point
            ? ` at ${band.from}`
            : ` valid ${band.from} → ${band.to ?? 'open'}`) +
        (band.retracted ? ' — retracted' : ''),
    );
    const shape = ((): string => {
      if (band.from === null) return '';
      if (band.point || band.to === band.from) {
        const cx = x(band.from);
        return `<path class="band ${band.kind}" d="M${cx.toFixed(1)} ${y + 4} l6 9 l-6 9 l-6 -9 z"/>`;
      }
      const bx = x(band.from);
      const ex = band.to === null ? PLOT_END : x(band.to);
      const open = band.to === null ? `<path class="open" d="M${PLOT_END} ${y + 8} l8 5 l-8 5 z"/>` : '';
      return `<rect class="band ${band.kind}" x="${bx.toFixed(1)}" y="${y + 5}" width="${Math.max(ex - bx, 2).toFixed(1)}" height="${ROW - 10}" rx="3"/>${open}`;
    })();
    const link =
      band.retracts === null
        ? ''
        : `<path class="link" d="M${LABELS - 4} ${y + ROW / 2} C${LABELS - 24} ${y + ROW / 2} ${LABELS - 24} ${rowY(band.retracts)} ${LABELS - 4} ${rowY(band.retracts)}"/>`;
    return (
      `<g class="event${band.retracted ? ' retracted' : ''}" data-event-id="${escapeHtml(band.eventId)}" data-version="${band.version}" data-kind="${band.kind}">` +
      `<title>${title}</title>` +
      `<text x="6" y="${y + ROW / 2 + 4}" fill="#7b8794">${escapeHtml(band.recordedAt.slice(0, 10))}</text>` +
      `<text class="label" x="80" y="${y + ROW / 2 + 4}">v${band.version} ${escapeHtml(band.label)}</text>` +
      shape +
      link +
      `</g>`
    );
  });

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="timeline-title">` +
    `<title id="timeline-title">History of ${escapeHtml(timeline.streamId)}: valid time across, recorded time down</title>` +
    `<style>${STYLE}</style>` +
    `<text x="6" y="16" font-weight="bold">${escapeHtml(timeline.streamId)}</text>` +
    `<text x="6" y="${HEADER - 12}">recorded ↓</text><text x="80" y="${HEADER - 12}">event</text>` +
    `<line class="axis" x1="${LABELS}" y1="${HEADER - 6}" x2="${PLOT_END}" y2="${HEADER - 6}"/>` +
    axis +
    rows.join('') +
    `</svg>`
  );
}
