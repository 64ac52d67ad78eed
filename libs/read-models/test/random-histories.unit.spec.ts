import { EVENT_STREAM_TYPES, EVENT_TYPES, type EventType } from '@ledger/contracts';
import { evaluateTariffs } from '@ledger/views';
import fc from 'fast-check';
import { evaluateTariffChanges } from '@ledger/views';
import {
  EQUIVALENCE_CASES,
  STACKING_CASES,
  changesProbe,
  changesQuery,
  TOPIC_CASES,
  TRAITS,
  history,
  historyTraits,
  knownAtPlace,
  probeInstants,
  type KnownAtPlace,
  type PropertyCases,
} from './random-histories';

/**
 * The property tests prove only what their generators produce. This reports what the cases of
 * each property test cover (fc.statistics) and fails when a generator stops producing the
 * histories and probes that matter, so a weakened generator cannot pass unnoticed.
 */

const SAMPLES = 1_000;
/**
 * The samples are drawn from a fixed seed: these checks hold the generators to their shares, and
 * a share measured on random samples near its minimum would fail now and then for no change.
 */
const SEED = 20_250_405;

/** The event types of the policy streams that the generators leave out, and why. */
const NOT_DRAWN: Readonly<Partial<Record<EventType, string>>> = {
  AgreementConcluded: 'agreements are in no property test yet',
  PartyListCreated: 'party lists have a property test of their own (party-listings.int.spec.ts)',
  PartyListed: 'party lists have a property test of their own (party-listings.int.spec.ts)',
  PartyDelisted: 'party lists have a property test of their own (party-listings.int.spec.ts)',
};

/** Every event type a policy stream may hold that the property tests must draw. */
const DRAWN_EVENT_TYPES = EVENT_TYPES.filter(
  (type) => !EVENT_STREAM_TYPES[type].includes('ledger') && NOT_DRAWN[type] === undefined,
);

/** fc.statistics' report of `classify` over `arbitrary`, and the share of samples with each label. */
function coverage<T>(title: string, arbitrary: fc.Arbitrary<T>, classify: (value: T) => string[]) {
  const counts = new Map<string, number>();
  let samples = 0;
  const report = [title];
  fc.statistics(
    arbitrary,
    (value) => {
      const labels = classify(value);
      samples++;
      for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
      return labels;
    },
    { numRuns: SAMPLES, seed: SEED, logger: (line) => report.push(`  ${line}`) },
  );
  console.log(report.join('\n'));
  return (label: string): number => (counts.get(label) ?? 0) / samples;
}

/** The labels whose share is under its minimum, with both, for a failure message that says what is missing. */
function below(minimums: Record<string, number>, share: (label: string) => number): string[] {
  return Object.entries(minimums).flatMap(([label, minimum]) =>
    share(label) < minimum ? [`${label}: ${share(label).toFixed(3)} < ${minimum}`] : [],
  );
}

const HISTORY_MINIMUM: Record<string, number> = {
  [TRAITS.fullTariff]: 0.2,
  [TRAITS.retractedRetraction]: 0.15,
  [TRAITS.voidStream]: 0.1,
  [TRAITS.busyControl]: 0.15,
  [TRAITS.amendedProducts]: 0.15,
  [TRAITS.revokedLicence]: 0.2,
  [TRAITS.earlySuspension]: 0.3,
  [TRAITS.earlyLift]: 0.3,
  [TRAITS.implementedAnnouncement]: 0.05,
  [TRAITS.partlySuspended]: 0.2,
  [TRAITS.postponedStart]: 0.15,
  [TRAITS.stacked]: 0.3,
  [TRAITS.long]: 0.35,
};

const PROBE_MINIMUM: Record<KnownAtPlace, number> = {
  'inside the recorded span': 0.6,
  'before the first event': 0.05,
  'at or after the last event': 0.05,
};

describe.each([
  ['the read models against the evaluator', EQUIVALENCE_CASES],
  ['a rebuild from the topic', TOPIC_CASES],
])('the random cases of the property test of %s', (title: string, cases: PropertyCases) => {
  it('hold the histories that matter often enough', () => {
    const share = coverage(`${title}: histories`, cases.histories, (actions) =>
      historyTraits(history(actions)),
    );
    expect(below(HISTORY_MINIMUM, share)).toEqual([]);
  });

  it('probe knownAt mostly inside the recorded span of the history, and some outside', () => {
    const probes = fc
      .tuple(cases.histories, cases.probes)
      .chain(([actions, drawn]) =>
        fc.constantFrom(...drawn).map((probed) => ({ events: history(actions), probed })),
      );
    const share = coverage(`${title}: knownAt of probes`, probes, ({ events, probed }) => [
      knownAtPlace(events, probeInstants(events, probed).knownAt),
    ]);
    expect(below(PROBE_MINIMUM, share)).toEqual([]);
  });

  it('ask some tariff probes that partial layers answer, and some that full layers alone answer', () => {
    const probes = fc
      .tuple(cases.histories, cases.probes)
      .chain(([actions, drawn]) =>
        fc.constantFrom(...drawn).map((probed) => ({ events: history(actions), probed })),
      );
    const share = coverage(`${title}: tariff answers`, probes, ({ events, probed }) => {
      const { origin, product } = probed;
      const answer = evaluateTariffs(events, {
        imposer: 'US',
        origin,
        product,
        ...probeInstants(events, probed),
      });
      if (answer.partialLayers > 0) return ['with partial layers'];
      return answer.layers.length > 0 ? ['with full layers only'] : [];
    });
    expect(below({ 'with partial layers': 0.025, 'with full layers only': 0.05 }, share)).toEqual([]);
  });

  it('draw every event type of the policy streams but those left out on purpose', () => {
    const drawn = new Set(
      fc
        .sample(cases.histories, { numRuns: SAMPLES, seed: SEED })
        .flatMap((actions) => history(actions).map((event) => event.type)),
    );
    expect(DRAWN_EVENT_TYPES.filter((type) => !drawn.has(type))).toEqual([]);
  });

  it('record every drawn action as an event', () => {
    fc.assert(
      fc.property(cases.histories, (actions) => {
        expect(history(actions)).toHaveLength(actions.length);
      }),
    );
  });
});

describe('the random cases of the property test of tariff changes', () => {
  it('find changes on both axes, retractions and records of the past among them', () => {
    const cases = fc
      .tuple(EQUIVALENCE_CASES.histories, changesProbe)
      .map(([actions, probed]) => ({ events: history(actions), probed }));
    const share = coverage('tariff changes', cases, ({ events, probed }) => {
      const query = changesQuery(events, probed);
      try {
        const { validTime, recordedTime } = evaluateTariffChanges(events, query);
        return [
          ...(validTime.length > 0 ? ['valid-time changes'] : []),
          ...(recordedTime.length > 0 ? ['recorded-time changes'] : []),
          ...(recordedTime.some((change) => change.type === 'EventRetracted')
            ? ['a retraction changed an answer']
            : []),
          ...(recordedTime.some((change) => change.at < change.recordedAt)
            ? ['a record changed the past']
            : []),
        ];
      } catch {
        // Refusals are held to their limits in tariff-changes.unit.spec.ts: random ranges stay below them.
        return ['refused'];
      }
    });
    expect(
      below(
        {
          'valid-time changes': 0.1,
          'recorded-time changes': 0.2,
          'a retraction changed an answer': 0.02,
          'a record changed the past': 0.1,
        },
        share,
      ),
    ).toEqual([]);
  });
});

describe('the random cases of the property test of stacked tariffs', () => {
  it('ask tariff probes that stacking rules answer: layers excluded, layers capped', () => {
    const probes = fc
      .tuple(STACKING_CASES.histories, STACKING_CASES.probes)
      .chain(([actions, drawn]) =>
        fc.constantFrom(...drawn).map((probed) => ({ events: history(actions), probed })),
      );
    const share = coverage('stacked tariffs: tariff answers', probes, ({ events, probed }) => {
      const { origin, product } = probed;
      const answer = evaluateTariffs(events, {
        imposer: 'US',
        origin,
        product,
        ...probeInstants(events, probed),
      });
      return [
        ...(answer.excludedLayers.length > 0 ? ['with an excluded layer'] : []),
        ...(answer.layers.some((layer) => layer.cap !== null) ? ['with a capped layer'] : []),
        ...(answer.partialLayers > 0 ? ['with a partial layer'] : []),
      ];
    });
    expect(
      below(
        { 'with an excluded layer': 0.1, 'with a capped layer': 0.1, 'with a partial layer': 0.02 },
        share,
      ),
    ).toEqual([]);
  });
});
