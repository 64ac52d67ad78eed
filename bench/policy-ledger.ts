import { v7 as uuidv7 } from 'uuid';
import {
  computeEventHash,
  type AnyEventEnvelope,
  type ControlledItem,
  type EventEnvelope,
  type PolicyEvent,
  type PolicyStreamType,
} from '@ledger/contracts';
import type { Random } from './random';

/**
 * A synthetic journal as the relay would publish it: tariff measures with rate changes and
 * suspensions, export controls with item amendments and licence reports, licences with their
 * decisions, a few agreements, and now and then a retraction. Events are hash-chained per
 * stream and numbered 1..N in the order they were recorded; streams live for different spans
 * of the recorded period, so they interleave.
 */
export interface PolicyLedger {
  readonly events: readonly AnyEventEnvelope[];
  readonly streams: number;
}

const DAY_MS = 86_400_000;
const RECORDED_FROM = Date.parse('2019-01-01T00:00:00.000Z');
const RECORDED_TO = Date.parse('2025-10-01T00:00:00.000Z');

const IMPOSERS = ['US', 'EU', 'CN', 'CA', 'MX', 'IN', 'JP', 'GB', 'BR', 'KR'] as const;
const PARTNERS = ['US', 'EU', 'CN', 'CA', 'MX', 'IN', 'JP', 'GB', 'BR', 'KR', 'VN', 'TH', 'AU', 'ZA', 'TR'];
const PROGRAMS = ['SECTION-232', 'RECIPROCAL', 'ANTI-DUMPING', 'SAFEGUARD', 'COUNTERVAILING'];
export const HS_CODES = [
  '850511',
  '280530',
  '2846',
  '8101',
  '7208',
  '7601',
  '870380',
  '854231',
  '3004',
  '0201',
  '8507',
  '72',
  '760110',
  '2603',
];
const ELEMENTS = ['Dy', 'Tb', 'Sm', 'Gd', 'Lu', 'Sc', 'Y', 'Ga', 'Ge', 'Sb', 'W', 'In', 'Mo', 'Nd', 'Pr'];
const CONTROL_KINDS = ['licence-required', 'prohibited', 'end-user-ban'] as const;

interface StreamPlan {
  readonly kind: PolicyStreamType;
  readonly id: string;
  readonly length: number;
  /** Where in the recorded period (0..1) the stream starts and how much of it it spans. */
  readonly start: number;
  readonly span: number;
}

interface StreamState {
  readonly plan: StreamPlan;
  readonly events: AnyEventEnvelope[];
  readonly retracted: Set<string>;
  items: ControlledItem[];
  /** The measure's first day of validity, ms (tariffs and export controls). */
  validFrom: number;
  licenceDecision: 'approved' | 'denied' | null;
}

const instant = (ms: number): string => new Date(Math.round(ms / 60_000) * 60_000).toISOString();

function planStreams(total: number, random: Random): StreamPlan[] {
  const plans: StreamPlan[] = [];
  let remaining = total;
  while (remaining > 0) {
    const kind = random.weighted<PolicyStreamType>({
      'tariff-measure': 45,
      'export-control': 20,
      licence: 30,
      agreement: 5,
      'party-listing': 5,
    });
    // Licences: applied, then mostly decided, sometimes revoked or corrected.
    const wanted =
      kind === 'licence'
        ? random.pick([1, 2, 2, 2, 2, 2, 3, 3, 3, 3])
        : kind === 'agreement'
          ? 1
          : random.int(8, 52);
    const length = Math.min(wanted, remaining);
    remaining -= length;
    const start = random.next() * 0.95;
    const prefix = {
      'tariff-measure': 'tm',
      'export-control': 'ec',
      licence: 'lic',
      agreement: 'agr',
      'party-listing': 'pl',
    }[kind];
    plans.push({
      kind,
      id: `${prefix}-${String(plans.length + 1).padStart(7, '0')}`,
      length,
      start,
      span: random.next() * (1 - start),
    });
  }
  return plans;
}

/** (stream, version) pairs in the order they were recorded; a stream's versions stay in order. */
function recordingOrder(plans: readonly StreamPlan[]): { stream: number; version: number }[] {
  const slots: { at: number; stream: number; version: number }[] = [];
  plans.forEach((plan, stream) => {
    for (let version = 1; version <= plan.length; version++) {
      const at = plan.start + (plan.span * (version - 1)) / Math.max(1, plan.length - 1);
      slots.push({ at, stream, version });
    }
  });
  slots.sort((a, b) => a.at - b.at || a.version - b.version);
  return slots;
}

function controlledItem(random: Random, ordinal: number): ControlledItem {
  const element = random.pick(ELEMENTS);
  switch (random.int(0, 2)) {
    case 0:
      return { element, description: `${element} metal, alloys and compounds` };
    case 1:
      return {
        element,
        controlCode: `1C9${String(random.int(0, 99)).padStart(2, '0')}.${'abcdef'[ordinal % 6]}`,
        description: `${element} oxides and targets`,
      };
    default:
      return { hsCode: random.pick(HS_CODES), description: `Goods of HS ${random.pick(HS_CODES)}` };
  }
}

function retractable(state: StreamState): AnyEventEnvelope[] {
  return state.events.filter(
    (event) => event.streamVersion > 1 && event.type !== 'EventRetracted' && !state.retracted.has(event.id),
  );
}

function retraction(state: StreamState, random: Random): PolicyEvent | null {
  const candidates = retractable(state);
  if (candidates.length === 0) return null;
  const target = random.pick(candidates);
  state.retracted.add(target.id);
  return {
    type: 'EventRetracted',
    data: { retractedEventId: target.id, reason: `${target.type} was entered against the wrong measure` },
  };
}

function tariffEvent(state: StreamState, version: number, recordedAt: number, random: Random): PolicyEvent {
  const last = version === state.plan.length;
  const later = (): number => state.validFrom + random.int(0, version * 40) * DAY_MS;
  if (version === 1) {
    state.validFrom = recordedAt + random.int(-20, 60) * DAY_MS;
    const imposer = random.pick(IMPOSERS);
    const partners = PARTNERS.filter((partner) => partner !== imposer);
    const everyone = random.chance(0.3);
    const program = `${imposer}-${random.pick(PROGRAMS)}`;
    return {
      type: 'TariffImposed',
      data: {
        imposer,
        targets: everyone ? ['*'] : random.sample(partners, random.int(1, 3)),
        excludedTargets: everyone ? random.sample(partners, random.int(0, 2)) : [],
        program,
        products: random.chance(0.4)
          ? { scope: 'codes', codes: random.sample(HS_CODES, random.int(1, 4)) }
          : { scope: 'all', excludedCodes: random.sample(HS_CODES, random.int(0, 2)) },
        title: `${program} duties, measure ${state.plan.id}`,
        legalInstrument: `Proclamation ${random.int(9000, 11000)}`,
        announcedAt: instant(recordedAt - random.int(0, 5) * DAY_MS),
        rate: random.int(0, 300) / 2,
        validFrom: instant(state.validFrom),
        validTo: random.chance(0.2) ? instant(state.validFrom + random.int(365, 1500) * DAY_MS) : null,
      },
    };
  }
  if (last && random.chance(0.3)) {
    return { type: 'TariffLifted', data: { validFrom: instant(later() + 100 * DAY_MS) } };
  }
  const kind = random.weighted({ rate: 65, suspension: 15, validity: 12, retraction: 8 });
  switch (kind) {
    case 'retraction':
      return (
        retraction(state, random) ?? {
          type: 'TariffRateChanged',
          data: { rate: 25, validFrom: instant(later()) },
        }
      );
    case 'suspension': {
      const from = later();
      return {
        type: 'TariffSuspended',
        data: {
          validFrom: instant(from),
          validTo: random.chance(0.1) ? null : instant(from + random.int(30, 180) * DAY_MS),
        },
      };
    }
    case 'validity':
      return {
        type: 'TariffValidityChanged',
        data: { validTo: random.chance(0.2) ? null : instant(later() + random.int(200, 1500) * DAY_MS) },
      };
    case 'rate':
      return {
        type: 'TariffRateChanged',
        data: {
          rate: random.int(0, 400) / 4,
          validFrom: instant(later()),
          validTo: random.chance(0.15) ? instant(later() + 400 * DAY_MS) : null,
        },
      };
  }
}

function exportControlEvent(
  state: StreamState,
  version: number,
  recordedAt: number,
  random: Random,
): PolicyEvent {
  const last = version === state.plan.length;
  const later = (): number => state.validFrom + random.int(0, version * 40) * DAY_MS;
  if (version === 1) {
    state.validFrom = recordedAt + random.int(-5, 30) * DAY_MS;
    state.items = Array.from({ length: random.int(1, 4) }, (_, ordinal) => controlledItem(random, ordinal));
    const imposer = random.pick(IMPOSERS);
    return {
      type: 'ExportControlImposed',
      data: {
        imposer,
        destinations: random.chance(0.5)
          ? ['*']
          : random.sample(
              PARTNERS.filter((partner) => partner !== imposer),
              random.int(1, 4),
            ),
        kind: random.pick(CONTROL_KINDS),
        items: state.items,
        legalInstrument: `Announcement No. ${random.int(1, 80)} of ${new Date(recordedAt).getUTCFullYear()}`,
        announcedAt: instant(recordedAt - random.int(0, 3) * DAY_MS),
        validFrom: instant(state.validFrom),
        validTo: null,
      },
    };
  }
  if (last && random.chance(0.3)) {
    return { type: 'ExportControlLifted', data: { validFrom: instant(later() + 100 * DAY_MS) } };
  }
  const kind = random.weighted({ amendment: 40, report: 25, suspension: 15, validity: 12, retraction: 8 });
  switch (kind) {
    case 'retraction':
      return (
        retraction(state, random) ?? {
          type: 'ExportControlValidityChanged',
          data: { validTo: null },
        }
      );
    case 'amendment': {
      const add = Array.from({ length: random.int(1, 2) }, (_, ordinal) => controlledItem(random, ordinal));
      const remove = state.items.length > 1 && random.chance(0.5) ? [random.pick(state.items)] : [];
      state.items = [...state.items.filter((item) => !remove.includes(item)), ...add];
      return { type: 'ExportControlItemsAmended', data: { add, remove, validFrom: instant(later()) } };
    }
    case 'report': {
      const from = later();
      return {
        type: 'ExportLicencesReported',
        data: {
          count: random.chance(0.3) ? null : random.int(0, 400),
          period: { from: instant(from), to: instant(from + 60 * DAY_MS) },
          reportedAt: instant(recordedAt),
        },
      };
    }
    case 'suspension': {
      const from = later();
      return {
        type: 'ExportControlSuspended',
        data: { validFrom: instant(from), validTo: instant(from + random.int(30, 365) * DAY_MS) },
      };
    }
    case 'validity':
      return {
        type: 'ExportControlValidityChanged',
        data: { validTo: random.chance(0.3) ? null : instant(later() + random.int(200, 1500) * DAY_MS) },
      };
  }
}

function licenceEvent(
  state: StreamState,
  version: number,
  recordedAt: number,
  random: Random,
  controls: readonly string[],
): PolicyEvent {
  if (version === 1) {
    return {
      type: 'LicenceApplied',
      data: {
        exportControlId: controls.length > 0 ? random.pick(controls) : 'ec-0000001',
        exporter: `Exporter ${random.int(1, 500)} Co.`,
        destination: random.pick(PARTNERS),
        items: Array.from({ length: random.int(1, 2) }, (_, ordinal) => controlledItem(random, ordinal)),
        quantity: { amount: random.int(1, 5000), unit: 'kg' },
        appliedAt: instant(recordedAt - random.int(0, 10) * DAY_MS),
      },
    };
  }
  if (version === 2) {
    state.licenceDecision = random.chance(0.6) ? 'approved' : 'denied';
    return state.licenceDecision === 'approved'
      ? {
          type: 'LicenceApproved',
          data: {
            decidedAt: instant(recordedAt),
            validFrom: instant(recordedAt),
            validTo: random.chance(0.5) ? instant(recordedAt + 365 * DAY_MS) : null,
          },
        }
      : { type: 'LicenceDenied', data: { decidedAt: instant(recordedAt), reason: 'End user listed' } };
  }
  if (state.licenceDecision === 'approved' && random.chance(0.8)) {
    return {
      type: 'LicenceRevoked',
      data: { validFrom: instant(recordedAt + random.int(0, 30) * DAY_MS), reason: 'Diversion' },
    };
  }
  return (
    retraction(state, random) ?? {
      type: 'LicenceRevoked',
      data: { validFrom: instant(recordedAt), reason: 'Diversion' },
    }
  );
}

function agreementEvent(recordedAt: number, random: Random, measures: readonly string[]): PolicyEvent {
  const parties = random.sample(PARTNERS, random.int(2, 3));
  return {
    type: 'AgreementConcluded',
    data: {
      parties,
      title: `${parties.join('–')} joint statement`,
      concludedAt: instant(recordedAt),
      summary: 'The parties cut additional duties for 90 days',
      relatedMeasureIds: random.sample(measures, random.int(0, 3)),
    },
  };
}

/** A list, then one new party per event, each listed at the time it is recorded. */
function partyListingEvent(version: number, recordedAt: number, random: Random): PolicyEvent {
  if (version === 1) {
    return { type: 'PartyListCreated', data: { imposer: random.pick(PARTNERS), name: 'Restricted parties' } };
  }
  return {
    type: 'PartyListed',
    data: {
      partyId: `party-${version}`,
      name: `Example Trading Company ${version}`,
      aliases: [],
      country: random.pick(PARTNERS),
      addresses: [],
      reason: 'Activities contrary to the national security of the imposer',
      licenceRequirement: 'For all items subject to the regulations',
      licenceReviewPolicy: 'Presumption of denial',
      validFrom: instant(recordedAt),
    },
  };
}

export function generatePolicyLedger(total: number, random: Random): PolicyLedger {
  const plans = planStreams(total, random);
  const states = plans.map((plan): StreamState => ({
    plan,
    events: [],
    retracted: new Set(),
    items: [],
    validFrom: 0,
    licenceDecision: null,
  }));
  const controls: string[] = [];
  const measures: string[] = [];
  const step = (RECORDED_TO - RECORDED_FROM) / total;
  const events: AnyEventEnvelope[] = [];
  for (const { stream, version } of recordingOrder(plans)) {
    const state = states[stream];
    const position = events.length + 1;
    const recordedAt = RECORDED_FROM + Math.round(position * step);
    let policyEvent: PolicyEvent;
    switch (state.plan.kind) {
      case 'tariff-measure':
        policyEvent = tariffEvent(state, version, recordedAt, random);
        if (version === 1) measures.push(state.plan.id);
        break;
      case 'export-control':
        policyEvent = exportControlEvent(state, version, recordedAt, random);
        if (version === 1) controls.push(state.plan.id);
        break;
      case 'licence':
        policyEvent = licenceEvent(state, version, recordedAt, random, controls);
        break;
      case 'agreement':
        policyEvent = agreementEvent(recordedAt, random, measures);
        break;
      case 'party-listing':
        policyEvent = partyListingEvent(version, recordedAt, random);
        break;
    }
    const unhashed = {
      ...policyEvent,
      id: uuidv7(),
      schemaVersion: 1,
      streamId: state.plan.id,
      streamType: state.plan.kind,
      streamVersion: version,
      position,
      recordedAt: new Date(recordedAt).toISOString(),
      actor: { keyId: 'bench-admin', role: 'admin' as const },
      correlationId: uuidv7(),
      causationId: null,
      citation: { reference: `Federal Register ${random.int(80, 90)} FR ${random.int(1000, 60000)}` },
      prevHash: state.events[state.events.length - 1]?.hash ?? null,
    } as Omit<EventEnvelope, 'hash'>;
    const event = { ...unhashed, hash: computeEventHash(unhashed) } as AnyEventEnvelope;
    state.events.push(event);
    events.push(event);
  }
  return { events, streams: plans.length };
}
