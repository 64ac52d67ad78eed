/**
 * Events from the seed scenario (docs/domain.md): China's controls of 4 February and 4 April
 * 2025, the US and Chinese duties of April, the Geneva pause of 12 May 2025 and MOFCOM's
 * undisclosed licence count of June 2025. Licences, later lifts, suspensions and the
 * retraction are illustrative, so that every event type appears; streams are hash-chained.
 */
import { createPrivateKey } from 'node:crypto';
import {
  API_KEY_STREAM_ID,
  CHECKPOINT_STREAM_ID,
  computeEventHash,
  SCHEMA_VERSIONS,
  merkleRoot,
  signCheckpoint,
  type AnyEventEnvelope,
  type Citation,
  type EventEnvelope,
  type EventType,
  type JournalEvent,
  type StreamType,
} from '../src/index';
import {
  EO_14257,
  EXCEPTIONS_MEMORANDUM,
  GENEVA,
  GENEVA_TITLE,
  ILLUSTRATIVE,
  MOFCOM_10,
  MOFCOM_18,
  TARIFF_COMMISSION,
  US_RECIPROCAL_CN,
  illustrativeParty,
} from './catalogue';

interface Entry {
  readonly event: JournalEvent;
  readonly recordedAt: string;
  readonly citation?: Citation | null;
  readonly causationId?: string;
}

let position = 0;
let eventNumber = 0;

function nextEventId(): string {
  eventNumber += 1;
  return `01960000-0000-7000-8000-${eventNumber.toString(16).padStart(12, '0')}`;
}

/** Wraps events in envelopes of one stream the way the journal does: versions, positions, hashes. */
export function chainStream(
  streamType: StreamType,
  streamId: string,
  entries: readonly Entry[],
): AnyEventEnvelope[] {
  const envelopes: AnyEventEnvelope[] = [];
  for (const entry of entries) {
    const unhashed = {
      id: nextEventId(),
      type: entry.event.type,
      schemaVersion: SCHEMA_VERSIONS[entry.event.type],
      streamId,
      streamType,
      streamVersion: envelopes.length + 1,
      recordedAt: entry.recordedAt,
      actor:
        streamType === 'ledger'
          ? { keyId: 'relay', role: 'system' as const }
          : { keyId: 'key-admin-1', role: 'admin' as const },
      correlationId: `corr-${streamId}-${envelopes.length + 1}`,
      causationId: entry.causationId ?? null,
      citation: entry.citation === undefined ? MOFCOM_18 : entry.citation,
      prevHash: envelopes.at(-1)?.hash ?? null,
      data: entry.event.data,
    } as Omit<EventEnvelope, 'hash' | 'position'>;
    position += 1;
    envelopes.push({ ...unhashed, position, hash: computeEventHash(unhashed) } as AnyEventEnvelope);
  }
  return envelopes;
}

const RARE_EARTH_ITEMS = [
  { element: 'Sm', controlCode: '1C902.a', description: 'Samarium and samarium alloys' },
  { element: 'Gd', description: 'Gadolinium and gadolinium alloys' },
  { element: 'Tb', description: 'Terbium and terbium alloys' },
  { element: 'Dy', description: 'Dysprosium and dysprosium alloys' },
  { element: 'Lu', description: 'Lutetium and lutetium alloys' },
  { element: 'Sc', description: 'Scandium and scandium alloys' },
  { element: 'Y', description: 'Yttrium and yttrium alloys' },
  { hsCode: '850511', description: 'Permanent magnets of metal containing the above elements' },
];

export const RARE_EARTH_CONTROLS = chainStream('export-control', 'cn-rare-earths-2025-04', [
  {
    recordedAt: '2025-04-04T09:15:00.000Z',
    event: {
      type: 'ExportControlImposed',
      data: {
        imposer: 'CN',
        destinations: ['*'],
        kind: 'licence-required',
        items: RARE_EARTH_ITEMS,
        legalInstrument: 'MOFCOM/GAC Announcement No. 18 of 2025',
        announcedAt: '2025-04-04T08:00:00.000Z',
        validFrom: '2025-04-03T16:00:00.000Z',
        validTo: null,
      },
    },
  },
  {
    recordedAt: '2025-06-07T10:00:00.000Z',
    citation: { reference: 'MOFCOM press statement, 7 June 2025' },
    event: {
      type: 'ExportLicencesReported',
      data: {
        count: null,
        period: { from: '2025-04-04T00:00:00.000Z', to: '2025-06-07T00:00:00.000Z' },
        reportedAt: '2025-06-07T08:00:00.000Z',
      },
    },
  },
]);

export const STRATEGIC_METAL_CONTROLS = chainStream('export-control', 'cn-strategic-metals-2025-02', [
  {
    recordedAt: '2025-02-04T06:00:00.000Z',
    citation: MOFCOM_10,
    event: {
      type: 'ExportControlImposed',
      data: {
        imposer: 'CN',
        destinations: ['*'],
        kind: 'licence-required',
        items: [
          { element: 'W', hsCode: '8101', description: 'Tungsten items' },
          { element: 'Te', description: 'Tellurium items' },
          { element: 'Bi', description: 'Bismuth items' },
        ],
        legalInstrument: 'MOFCOM/GAC Announcement No. 10 of 2025',
        announcedAt: '2025-02-04T02:00:00.000Z',
        validFrom: '2025-02-03T16:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-02-04T06:05:00.000Z',
    citation: MOFCOM_10,
    event: {
      type: 'ExportControlItemsAmended',
      data: {
        add: [
          { element: 'Mo', description: 'Molybdenum items' },
          { element: 'In', description: 'Indium items' },
        ],
        remove: [],
        validFrom: '2025-02-03T16:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-02-05T08:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: {
      type: 'ExportControlValidityChanged',
      data: { validTo: null },
    },
  },
  {
    recordedAt: '2025-11-10T08:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: {
      type: 'ExportControlSuspended',
      data: { validFrom: '2025-11-09T16:00:00.000Z', validTo: '2026-11-10T16:00:00.000Z' },
    },
  },
  {
    recordedAt: '2026-11-11T08:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: { type: 'ExportControlLifted', data: { validFrom: '2026-11-10T16:00:00.000Z' } },
  },
]);

export const US_RECIPROCAL_ON_CN = chainStream('tariff-measure', US_RECIPROCAL_CN, [
  {
    recordedAt: '2025-04-10T14:00:00.000Z',
    citation: EO_14257,
    event: {
      type: 'TariffImposed',
      data: {
        imposer: 'US',
        targets: ['CN'],
        excludedTargets: ['HK', 'MO'],
        program: 'US-IEEPA-RECIPROCAL',
        products: { scope: 'all', excludedCodes: ['2846', '280530'] },
        title: 'Reciprocal tariff on goods of China',
        legalInstrument: 'Executive Order 14257 as amended',
        announcedAt: '2025-04-09T17:00:00.000Z',
        rate: 125,
        validFrom: '2025-04-10T04:01:00.000Z',
        heading: null,
      },
    },
  },
  {
    recordedAt: '2025-05-12T12:30:00.000Z',
    citation: GENEVA,
    event: {
      type: 'TariffRateChanged',
      data: {
        rate: 10,
        validFrom: '2025-05-14T04:01:00.000Z',
        validTo: '2025-08-12T04:01:00.000Z',
        heading: null,
        instrument: 'Executive Order 14298',
      },
    },
  },
  {
    recordedAt: '2025-08-11T20:00:00.000Z',
    citation: { reference: 'Executive order of 11 August 2025 extending the pause' },
    event: { type: 'TariffValidityChanged', data: { validTo: '2025-11-10T05:01:00.000Z' } },
  },
  {
    recordedAt: '2025-08-11T21:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: {
      type: 'EventRetracted',
      data: {
        retractedEventId: '01960000-0000-7000-8000-00000000000a',
        reason: 'Recorded on the wrong stream',
      },
    },
  },
]);

export const CN_RETALIATION_ON_US = chainStream('tariff-measure', 'cn-tariff-commission-us-2025', [
  {
    recordedAt: '2025-04-11T09:00:00.000Z',
    citation: TARIFF_COMMISSION,
    event: {
      type: 'TariffImposed',
      data: {
        imposer: 'CN',
        targets: ['US'],
        program: 'CN-STC-COUNTERMEASURE',
        products: { scope: 'codes', codes: ['85', '2846', '85051110'] },
        title: 'Additional tariff on goods originating in the United States',
        legalInstrument: 'State Council Tariff Commission announcement of 11 April 2025',
        announcedAt: '2025-04-11T08:00:00.000Z',
        rate: 125,
        validFrom: '2025-04-11T16:00:00.000Z',
        validTo: null,
        heading: null,
      },
    },
  },
  {
    recordedAt: '2025-05-12T13:00:00.000Z',
    citation: GENEVA,
    event: {
      type: 'TariffSuspended',
      data: { validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' },
    },
  },
  {
    recordedAt: '2025-12-01T09:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: { type: 'TariffLifted', data: { validFrom: '2025-12-01T00:00:00.000Z' } },
  },
]);

export const GENEVA_STATEMENT = chainStream('agreement', 'geneva-joint-statement-2025', [
  {
    recordedAt: '2025-05-12T12:00:00.000Z',
    citation: GENEVA,
    event: {
      type: 'AgreementConcluded',
      data: {
        parties: ['US', 'CN'],
        title: GENEVA_TITLE,
        concludedAt: '2025-05-12T08:00:00.000Z',
        summary: 'Both sides cut additional duties from 14 May 2025 for a 90-day pause.',
        relatedMeasureIds: [US_RECIPROCAL_CN, 'cn-tariff-commission-us-2025'],
      },
    },
  },
]);

export const DYSPROSIUM_LICENCE = chainStream('licence', 'lic-2025-dy-0001', [
  {
    recordedAt: '2025-04-20T03:00:00.000Z',
    citation: null,
    event: {
      type: 'LicenceApplied',
      data: {
        exportControlId: 'cn-rare-earths-2025-04',
        exporter: 'Ganzhou Rare Earth Magnetics Co.',
        consignee: 'Detroit Motor Works Inc.',
        destination: 'US',
        items: [{ element: 'Dy', hsCode: '280530', description: 'Dysprosium metal' }],
        quantity: { amount: 500, unit: 'kg' },
        appliedAt: '2025-04-19T02:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-06-06T03:00:00.000Z',
    citation: null,
    causationId: '01960000-0000-7000-8000-000000000001',
    event: {
      type: 'LicenceApproved',
      data: {
        decidedAt: '2025-06-05T02:00:00.000Z',
        validFrom: '2025-06-05T16:00:00.000Z',
        validTo: '2025-12-05T16:00:00.000Z',
        conditions: 'End use limited to traction motors',
      },
    },
  },
  {
    recordedAt: '2025-07-01T03:00:00.000Z',
    citation: null,
    event: {
      type: 'LicenceRevoked',
      data: { validFrom: '2025-07-01T00:00:00.000Z', reason: 'End-user check failed' },
    },
  },
]);

export const DENIED_LICENCE = chainStream('licence', 'lic-2025-tb-0002', [
  {
    recordedAt: '2025-04-22T03:00:00.000Z',
    citation: null,
    event: {
      type: 'LicenceApplied',
      data: {
        exportControlId: 'cn-rare-earths-2025-04',
        exporter: 'Baotou Magnet Materials Ltd.',
        destination: 'IN',
        items: [{ element: 'Tb', description: 'Terbium oxide' }],
        appliedAt: '2025-04-21T02:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-05-30T03:00:00.000Z',
    citation: null,
    event: {
      type: 'LicenceDenied',
      data: { decidedAt: '2025-05-29T02:00:00.000Z', reason: 'Incomplete end-use statement' },
    },
  },
]);

/** The 50 % tariff on goods of the EU threatened on 23 May 2025 for 1 June, postponed on 25 May to 9 July. */
export const US_THREAT_ON_EU = chainStream('tariff-measure', 'us-eu-additional-50', [
  {
    recordedAt: '2025-05-23T18:00:00.000Z',
    citation: { reference: 'Presidential statement of 23 May 2025' },
    event: {
      type: 'TariffAnnounced',
      data: {
        imposer: 'US',
        targets: ['EU'],
        program: 'US-EU-ADDITIONAL-50',
        products: { scope: 'all' },
        title: 'Additional 50 % tariff on goods of the European Union',
        announcedAt: '2025-05-23T00:00:00.000Z',
        rate: 50,
        validFrom: '2025-06-01T04:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-05-26T09:00:00.000Z',
    citation: { reference: 'Presidential statement of 25 May 2025' },
    event: { type: 'TariffPostponed', data: { validFrom: '2025-07-09T04:00:00.000Z' } },
  },
]);

/** The additional 100 % on goods of China announced on 10 October 2025 for 1 November, dropped after Busan. */
export const US_THREAT_ON_CN = chainStream('tariff-measure', 'us-cn-additional-100', [
  {
    recordedAt: '2025-10-11T09:00:00.000Z',
    citation: { reference: 'Presidential statement of 10 October 2025' },
    event: {
      type: 'TariffAnnounced',
      data: {
        imposer: 'US',
        targets: ['CN'],
        program: 'US-CN-ADDITIONAL-100',
        products: { scope: 'all' },
        title: 'Additional 100 % tariff on goods of China',
        legalInstrument: 'Presidential statement of 10 October 2025',
        announcedAt: '2025-10-10T00:00:00.000Z',
        rate: 100,
        validFrom: '2025-11-01T04:00:00.000Z',
        validTo: null,
      },
    },
  },
  {
    recordedAt: '2025-10-31T09:00:00.000Z',
    citation: { reference: 'US–China leaders’ meeting, Busan, 30 October 2025' },
    event: {
      type: 'TariffWithdrawn',
      data: { withdrawnAt: '2025-10-30T00:00:00.000Z', reason: 'Not imposed after the Busan meeting' },
    },
  },
]);

/** China's 34 % countermeasure with 24 points suspended for 90 days from 14 May 2025. */
export const CN_COUNTERMEASURE_ON_US = chainStream('tariff-measure', 'cn-tariff-commission-us-34', [
  {
    recordedAt: '2025-04-05T09:00:00.000Z',
    citation: TARIFF_COMMISSION,
    event: {
      type: 'TariffImposed',
      data: {
        imposer: 'CN',
        targets: ['US'],
        program: 'CN-STC-COUNTERMEASURE',
        products: { scope: 'all' },
        title: 'Additional tariff on goods originating in the United States',
        legalInstrument: 'State Council Tariff Commission announcement of 4 April 2025',
        announcedAt: '2025-04-04T08:00:00.000Z',
        rate: 34,
        validFrom: '2025-04-10T04:01:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-05-12T14:00:00.000Z',
    citation: { reference: 'State Council Tariff Commission Announcement No. 7 [2025]' },
    event: {
      type: 'TariffPointsSuspended',
      data: {
        points: 24,
        provision: '24 of the 34 percentage points',
        validFrom: '2025-05-14T04:01:00.000Z',
        validTo: '2025-08-12T04:01:00.000Z',
      },
    },
  },
]);

/** The reciprocal baseline, and the electronics the memorandum of 11 April 2025 took out of it from 5 April. */
export const US_RECIPROCAL_BASELINE = chainStream('tariff-measure', 'us-ieepa-reciprocal-baseline', [
  {
    recordedAt: '2025-04-03T14:00:00.000Z',
    citation: EO_14257,
    event: {
      type: 'TariffImposed',
      data: {
        imposer: 'US',
        targets: ['*'],
        program: 'US-IEEPA-RECIPROCAL',
        products: { scope: 'all' },
        title: 'Reciprocal tariff: baseline for all trading partners',
        legalInstrument: 'Executive Order 14257',
        announcedAt: '2025-04-02T20:00:00.000Z',
        rate: 10,
        validFrom: '2025-04-05T04:01:00.000Z',
      },
    },
  },
  {
    // The order's reciprocal duties do not apply to articles subject to Section 232 duties.
    recordedAt: '2025-04-03T14:30:00.000Z',
    citation: EO_14257,
    event: {
      type: 'TariffStackingRulesSet',
      data: { validFrom: '2025-04-05T04:01:00.000Z', notStackedOn: ['US-232-STEEL', 'US-232-ALUMINIUM'] },
    },
  },
  {
    recordedAt: '2025-04-11T23:00:00.000Z',
    citation: EXCEPTIONS_MEMORANDUM,
    event: {
      type: 'TariffProductsAmended',
      data: {
        validFrom: '2025-04-05T04:01:00.000Z',
        exclude: [
          {
            code: '8471',
            list: 'Annex to the memorandum of 11 April 2025',
            description: 'Automatic data processing machines (computers, laptops)',
          },
          { code: '85171300', list: 'Annex to the memorandum of 11 April 2025', description: 'Smartphones' },
        ],
      },
    },
  },
]);

/** A made-up list and party (no real listing is cited), listed and then delisted. */
export const ILLUSTRATIVE_PARTY_LIST = chainStream('party-listing', 'illustrative-party-list', [
  {
    recordedAt: '2025-03-20T12:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: { type: 'PartyListCreated', data: { imposer: 'US', name: 'Illustrative party list' } },
  },
  {
    recordedAt: '2025-03-24T12:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: { type: 'PartyListed', data: illustrativeParty },
  },
  {
    recordedAt: '2025-09-01T12:00:00.000Z',
    citation: ILLUSTRATIVE,
    event: {
      type: 'PartyDelisted',
      data: { partyId: illustrativeParty.partyId, validFrom: '2025-09-01T04:00:00.000Z' },
    },
  },
]);

const POLICY_STREAMS = [
  RARE_EARTH_CONTROLS,
  STRATEGIC_METAL_CONTROLS,
  US_RECIPROCAL_ON_CN,
  CN_RETALIATION_ON_US,
  GENEVA_STATEMENT,
  DYSPROSIUM_LICENCE,
  DENIED_LICENCE,
  US_THREAT_ON_EU,
  US_THREAT_ON_CN,
  CN_COUNTERMEASURE_ON_US,
  US_RECIPROCAL_BASELINE,
  ILLUSTRATIVE_PARTY_LIST,
];

/** A fixed Ed25519 key (PKCS#8 DER of a 32-byte seed) for fixtures; never a real ledger's key. */
export const FIXTURE_CHECKPOINT_KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
  format: 'der',
  type: 'pkcs8',
});

/** The ledger's signed checkpoint over every seed event above. */
export const SEED_CHECKPOINTS = chainStream('ledger', CHECKPOINT_STREAM_ID, [
  {
    recordedAt: '2025-08-12T00:00:00.000Z',
    citation: null,
    event: {
      type: 'LedgerCheckpointSigned',
      data: signCheckpoint(
        {
          journalId: '0b7d4c36-6f1e-4d58-9d1c-2f3a1e0c9b11',
          position,
          eventCount: POLICY_STREAMS.flat().length,
          streamCount: POLICY_STREAMS.length,
          merkleRoot: merkleRoot(POLICY_STREAMS.map((stream) => stream[stream.length - 1])),
        },
        FIXTURE_CHECKPOINT_KEY,
      ),
    },
  },
]);

/** An admin key's life: created, rotated to a successor, given an expiry, revoked. */
export const SEED_API_KEY_EVENTS = chainStream('ledger', API_KEY_STREAM_ID, [
  {
    recordedAt: '2025-08-12T00:00:01.000Z',
    citation: null,
    event: {
      type: 'ApiKeyCreated',
      data: {
        keyId: 'key-0a1b2c3d4e5f',
        role: 'admin',
        label: 'tariff desk',
        expiresAt: null,
        actor: 'bootstrap',
      },
    },
  },
  {
    recordedAt: '2025-08-13T00:00:00.000Z',
    citation: null,
    event: {
      type: 'ApiKeyRotated',
      data: {
        keyId: 'key-5f4e3d2c1b0a',
        role: 'admin',
        label: 'tariff desk',
        expiresAt: null,
        actor: 'key-0a1b2c3d4e5f',
        rotatedFrom: 'key-0a1b2c3d4e5f',
        rotatedFromExpiresAt: '2025-08-14T00:00:00.000Z',
      },
    },
  },
  {
    recordedAt: '2025-08-13T00:00:01.000Z',
    citation: null,
    event: {
      type: 'ApiKeyExpirySet',
      data: {
        keyId: 'key-5f4e3d2c1b0a',
        role: 'admin',
        label: 'tariff desk',
        expiresAt: '2026-08-13T00:00:00.000Z',
        actor: 'operator:alice',
      },
    },
  },
  {
    recordedAt: '2025-08-13T00:00:02.000Z',
    citation: null,
    event: {
      type: 'ApiKeyRevoked',
      data: {
        keyId: 'key-5f4e3d2c1b0a',
        role: 'admin',
        label: 'tariff desk',
        expiresAt: '2026-08-13T00:00:00.000Z',
        actor: 'operator:alice',
      },
    },
  },
]);

export const SEED_STREAMS: readonly (readonly AnyEventEnvelope[])[] = [
  ...POLICY_STREAMS,
  SEED_CHECKPOINTS,
  SEED_API_KEY_EVENTS,
];

export const SEED_EVENTS: readonly AnyEventEnvelope[] = SEED_STREAMS.flat();

export const SAMPLE_DATA: { readonly [K in EventType]?: unknown } = Object.fromEntries(
  SEED_EVENTS.map((event) => [event.type, event.data]),
);
