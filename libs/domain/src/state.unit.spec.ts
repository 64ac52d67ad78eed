import type { PolicyEvent } from '@ledger/contracts';
import { evolve, foldStream, type RecordedEvent } from './state';
import {
  dysprosiumLicence,
  genevaStatement,
  rareEarthControl,
  reciprocalOnChina,
} from '../../contracts/test/catalogue';

const record = (events: readonly PolicyEvent[]): RecordedEvent[] =>
  events.map((event, index) => ({
    ...event,
    id: `event-${index + 1}`,
    streamVersion: index + 1,
    recordedAt: `2025-06-01T00:0${index}:00.000Z`,
  }));

describe('foldStream', () => {
  it('gives nothing for a stream without events', () => {
    expect(foldStream([])).toBeUndefined();
  });

  it('follows a tariff measure through rate changes, a new end and a retracted lift', () => {
    const state = foldStream(
      record([
        { type: 'TariffImposed', data: reciprocalOnChina },
        { type: 'TariffRateChanged', data: { rate: 84, validFrom: '2025-04-09T04:01:00.000Z' } },
        { type: 'TariffRateChanged', data: { rate: 125, validFrom: '2025-04-10T04:01:00.000Z' } },
        { type: 'TariffValidityChanged', data: { validTo: '2026-04-10T04:01:00.000Z' } },
        { type: 'TariffLifted', data: { validFrom: '2025-11-10T05:01:00.000Z' } },
        { type: 'EventRetracted', data: { retractedEventId: 'event-5', reason: 'Lift was only announced' } },
      ]),
    );
    expect(state).toMatchObject({
      streamType: 'tariff-measure',
      version: 6,
      retractedEventIds: ['event-5'],
      current: {
        imposer: 'US',
        targets: ['CN'],
        program: 'US-IEEPA-RECIPROCAL',
        rate: 125,
        validFrom: '2025-04-09T04:01:00.000Z',
        validTo: '2026-04-10T04:01:00.000Z',
        liftedFrom: null,
      },
    });
    expect(state?.events.map((event) => event.id)).toEqual([
      'event-1',
      'event-2',
      'event-3',
      'event-4',
      'event-5',
      'event-6',
    ]);
  });

  it('applies item amendments to an export control, removals first', () => {
    const magnets = { hsCode: '850511', description: 'Permanent magnets' };
    const state = foldStream(
      record([
        { type: 'ExportControlImposed', data: rareEarthControl },
        {
          type: 'ExportControlItemsAmended',
          data: {
            add: [magnets],
            remove: [{ element: 'Sm', description: 'Samarium' }],
            validFrom: '2025-10-09T16:00:00.000Z',
          },
        },
      ]),
    );
    expect(
      state?.streamType === 'export-control' &&
        state.current?.items.map((item) => item.element ?? item.hsCode),
    ).toEqual(['Gd', 'Tb', 'Dy', 'Lu', 'Sc', 'Y', '850511']);
  });

  it.each([
    [[], 'pending'],
    [[{ type: 'LicenceDenied', data: { decidedAt: '2025-06-05T02:00:00.000Z', reason: 'x' } }], 'denied'],
    [
      [
        {
          type: 'LicenceApproved',
          data: { decidedAt: '2025-06-05T02:00:00.000Z', validFrom: '2025-06-05T02:00:00.000Z' },
        },
      ],
      'approved',
    ],
  ] as const)('gives a licence after %j the status %s', (decisions, status) => {
    const state = foldStream(record([{ type: 'LicenceApplied', data: dysprosiumLicence }, ...decisions]));
    expect(state).toMatchObject({
      streamType: 'licence',
      current: { status, exportControlId: dysprosiumLicence.exportControlId },
    });
  });

  it('leaves the stream void once its creating event is retracted', () => {
    const state = foldStream(
      record([
        { type: 'AgreementConcluded', data: genevaStatement },
        { type: 'EventRetracted', data: { retractedEventId: 'event-1', reason: 'Duplicate entry' } },
      ]),
    );
    expect(state).toMatchObject({ streamType: 'agreement', version: 2, current: null });
  });

  it('gives the same state event by event as folded at once', () => {
    const events = record([
      { type: 'LicenceApplied', data: dysprosiumLicence },
      { type: 'LicenceDenied', data: { decidedAt: '2025-06-05T02:00:00.000Z', reason: 'x' } },
      { type: 'EventRetracted', data: { retractedEventId: 'event-2', reason: 'Wrong licence' } },
    ]);
    const [first, ...rest] = events;
    const stepwise = rest.reduce((state, event) => evolve(state, event), evolve(undefined, first));
    expect(stepwise).toEqual(foldStream(events));
    expect(stepwise).toMatchObject({ current: { status: 'pending' } });
  });
});
