import { EVENT_STREAM_TYPES, EVENT_TYPES, type AnyEventEnvelope, type EventType } from '@ledger/contracts';
import {
  evaluateExportControls,
  evaluateLicences,
  evaluateMeasure,
  evaluateTariffChanges,
  evaluateTariffList,
  evaluateTariffs,
  eventsKnownAt,
} from '@ledger/views';
import { Ledger, day } from './envelopes';
import { specification, type Views } from './specification';

/** The event types of the policy streams that the specification leaves out, and why. */
const NOT_SPECIFIED: Readonly<Partial<Record<EventType, string>>> = {
  ExportControlLifted: 'the random histories draw it; no scenario names it yet',
  ExportControlValidityChanged: 'the random histories draw it; no scenario names it yet',
  AgreementConcluded: 'agreements are in no view scenario yet',
  PartyListCreated: 'party lists are specified in party-listings.int.spec.ts and party-screening.int.spec.ts',
  PartyListed: 'party lists are specified in party-listings.int.spec.ts and party-screening.int.spec.ts',
  PartyDelisted: 'party lists are specified in party-listings.int.spec.ts and party-screening.int.spec.ts',
};

/** The in-memory evaluator: the executable specification of docs/architecture.md §5. */
function memoryViews(events: readonly AnyEventEnvelope[]): Views {
  return {
    tariffs: (query) => Promise.resolve(evaluateTariffs(events, query)),
    exportControls: (query) => Promise.resolve(evaluateExportControls(events, query)),
    measure: (id, at) => Promise.resolve(evaluateMeasure(events, id, at)),
    licences: (filter, asOf) => Promise.resolve(evaluateLicences(events, filter, asOf)),
    tariffList: (query) => Promise.resolve(evaluateTariffList(events, query)),
    // A refusal is thrown: through then() it rejects, as the read models' answer does.
    tariffChanges: (query) => Promise.resolve().then(() => evaluateTariffChanges(events, query)),
  };
}

describe('the in-memory views evaluator', () => {
  const { events, scenarios } = specification();

  it.each(scenarios.map((scenario) => [scenario.name, scenario]))('%s', async (_name, scenario) => {
    await scenario.verify(memoryViews(events));
  });

  it('is specified with every event type of the policy streams but those left out on purpose', () => {
    const recorded = new Set(events.map((event) => event.type));
    const specified = EVENT_TYPES.filter(
      (type) => !EVENT_STREAM_TYPES[type].includes('ledger') && NOT_SPECIFIED[type] === undefined,
    );
    expect(specified.filter((type) => !recorded.has(type))).toEqual([]);
  });

  it('knows at K only the events recorded by K and not retracted by K', () => {
    const ledger = new Ledger();
    const imposed = ledger.record(
      'xx-duty',
      'TariffImposed',
      {
        imposer: 'XX',
        targets: ['*'],
        program: 'XX',
        products: { scope: 'all' },
        title: 'duty',
        legalInstrument: 'act',
        announcedAt: day('2025-01-01'),
        rate: 5,
        validFrom: day('2025-01-01'),
      },
      { at: day('2025-01-01') },
    );
    const retraction = ledger.retract(imposed, { at: day('2025-02-01') });
    expect(eventsKnownAt(ledger.events, '2024-12-31T23:59:59.999Z')).toEqual([]);
    expect(eventsKnownAt(ledger.events, day('2025-01-15'))).toEqual([imposed]);
    expect(eventsKnownAt(ledger.events, day('2025-02-01'))).toEqual([retraction]);
  });

  it('lists licences by their latest decision in effect at the instant asked; a retracted decision no longer counts', () => {
    const ledger = new Ledger();
    const summer = day('2025-08-01');
    const application = {
      exportControlId: 'cn-mofcom-2025-18',
      exporter: 'Ganzhou Magnetics',
      destination: 'US',
      items: [{ element: 'Dy', description: 'dysprosium oxide' }],
      appliedAt: day('2025-04-20'),
    };
    ledger.record('licence-a', 'LicenceApplied', application);
    ledger.record('licence-a', 'LicenceApproved', {
      decidedAt: day('2025-06-01'),
      validFrom: day('2025-06-01'),
    });
    ledger.record('licence-b', 'LicenceApplied', { ...application, destination: 'DE' });
    const denial = ledger.record('licence-b', 'LicenceDenied', {
      decidedAt: day('2025-06-02'),
      reason: 'end use',
    });
    ledger.record('licence-c', 'LicenceApplied', application);
    ledger.record('licence-c', 'LicenceApproved', {
      decidedAt: day('2025-06-01'),
      validFrom: day('2025-06-01'),
    });
    ledger.record('licence-c', 'LicenceRevoked', { validFrom: day('2025-07-01'), reason: 'diversion' });

    expect(
      evaluateLicences(ledger.events, {}, summer).map((licence) => [licence.id, licence.status]),
    ).toEqual([
      ['licence-a', 'approved'],
      ['licence-b', 'denied'],
      ['licence-c', 'revoked'],
    ]);
    expect(
      evaluateLicences(ledger.events, { destination: 'DE' }, summer).map((licence) => licence.id),
    ).toEqual(['licence-b']);
    expect(
      evaluateLicences(ledger.events, { status: 'approved' }, summer).map((licence) => licence.id),
    ).toEqual(['licence-a']);

    ledger.retract(denial);
    const [licenceB] = evaluateLicences(ledger.events, { destination: 'DE' }, summer);
    expect(licenceB).toMatchObject({ id: 'licence-b', status: 'pending', version: 3, denial: null });
  });
});
