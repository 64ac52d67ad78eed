import type { Bitemporal, EffectiveTariffs, TariffLayer } from './view-types';
import {
  TARIFF_CHANGE_LIMITS,
  TariffChangesTooLarge,
  tariffChangeProbes,
  tariffChanges,
  type TariffChangeInputs,
} from './tariff-changes';

const query = {
  imposer: 'US',
  origin: 'CN',
  product: '850511',
  from: '2025-04-01T00:00:00.000Z',
  to: '2025-05-01T00:00:00.000Z',
  knownAt: '2026-01-01T00:00:00.000Z',
};

const hour = (n: number): string => new Date(Date.parse(query.from) + n * 3_600_000).toISOString();

function layer(measureId: string, program: string, rate: number): TariffLayer {
  return {
    measureId,
    program,
    rate,
    appliedRate: rate,
    suspension: null,
    validFrom: query.from,
    validTo: null,
    legalInstrument: 'Executive Order 14257',
    title: 'Reciprocal tariff',
    citation: null,
    heading: null,
    instrument: null,
    coverage: 'full',
    lines: [],
    excludedLines: [],
    cap: null,
  };
}

function answer(...layers: TariffLayer[]): EffectiveTariffs {
  return {
    product: { code: query.product, nomenclature: 'HS' },
    layers,
    total: layers.reduce((sum, each) => sum + each.appliedRate, 0),
    partialLayers: 0,
    excludedLayers: [],
  };
}

describe('tariff changes', () => {
  it('given 500 named instants in range, when asked, then it compares them; given 501, then it refuses', () => {
    const named = (count: number): TariffChangeInputs => ({
      validInstants: Array.from({ length: count }, (_, index) => hour(index / 100)),
      recorded: [],
    });
    expect(tariffChangeProbes(query, named(TARIFF_CHANGE_LIMITS.validInstants))).toHaveLength(501);
    expect(() => tariffChangeProbes(query, named(TARIFF_CHANGE_LIMITS.validInstants + 1))).toThrow(
      TariffChangesTooLarge,
    );
  });

  it('given records whose effects would take more than 5 000 comparisons, when asked, then it refuses', () => {
    // 49 record instants + 1 over 100 named instants: 5 000 comparisons; one more record is too many.
    const recordedAt = (count: number): TariffChangeInputs => ({
      validInstants: Array.from({ length: 100 }, (_, index) => hour(-index - 1)),
      recorded: Array.from({ length: count }, (_, index) => ({
        eventId: `event-${index}`,
        type: 'TariffRateChanged',
        streamId: 'us-reciprocal',
        recordedAt: hour(index),
      })),
    });
    expect(tariffChangeProbes(query, recordedAt(49))).toHaveLength(1 + 5_000);
    expect(() => tariffChangeProbes(query, recordedAt(50))).toThrow(TariffChangesTooLarge);
    expect(TARIFF_CHANGE_LIMITS.recordedComparisons).toBe(5_000);
  });

  it('given answers that differ at an instant, then the change lists the layers whose rate differs, by program', () => {
    const inputs = { validInstants: [hour(1), hour(2)], recorded: [] };
    const answers: Record<string, EffectiveTariffs> = {
      [hour(1)]: answer(
        layer('fentanyl', 'US-IEEPA-FENTANYL', 20),
        layer('reciprocal', 'US-IEEPA-RECIPROCAL', 34),
      ),
      [hour(2)]: answer(
        layer('fentanyl', 'US-IEEPA-FENTANYL', 20),
        layer('reciprocal', 'US-IEEPA-RECIPROCAL', 34),
      ),
    };
    const changes = tariffChanges(query, inputs, ({ asOf }: Bitemporal) => answers[asOf] ?? answer());
    expect(changes).toEqual({
      validTime: [
        {
          at: hour(1),
          totalBefore: 0,
          totalAfter: 54,
          layers: [
            { measureId: 'fentanyl', program: 'US-IEEPA-FENTANYL', before: null, after: 20 },
            { measureId: 'reciprocal', program: 'US-IEEPA-RECIPROCAL', before: null, after: 34 },
          ],
        },
      ],
      recordedTime: [],
    });
  });

  it('given a suspension of points or a layer turning partial, then the change lists it though its legal rate stays', () => {
    const inputs = { validInstants: [hour(1), hour(2)], recorded: [] };
    const reciprocal = layer('reciprocal', 'US-IEEPA-RECIPROCAL', 34);
    const answers: Record<string, EffectiveTariffs> = {
      [hour(0)]: answer(reciprocal),
      [hour(1)]: answer({ ...reciprocal, appliedRate: 10 }),
      [hour(2)]: {
        ...answer(),
        layers: [{ ...reciprocal, appliedRate: 10, coverage: 'partial' }],
        partialLayers: 1,
      },
    };
    const changes = tariffChanges(
      query,
      inputs,
      ({ asOf }: Bitemporal) => answers[asOf] ?? answer(reciprocal),
    );
    expect(changes.validTime).toEqual([
      {
        at: hour(1),
        totalBefore: 34,
        totalAfter: 10,
        layers: [{ measureId: 'reciprocal', program: 'US-IEEPA-RECIPROCAL', before: 34, after: 10 }],
      },
      {
        at: hour(2),
        totalBefore: 10,
        totalAfter: 0,
        layers: [{ measureId: 'reciprocal', program: 'US-IEEPA-RECIPROCAL', before: 10, after: 10 }],
      },
    ]);
  });

  it('given two events recorded at the same instant, then both are listed with the effect they share', () => {
    const recordedAt = hour(3);
    const inputs: TariffChangeInputs = {
      validInstants: [hour(10)],
      recorded: [
        { eventId: 'a', type: 'TariffImposed', streamId: 'one', recordedAt },
        { eventId: 'b', type: 'TariffImposed', streamId: 'two', recordedAt },
      ],
    };
    const changes = tariffChanges(query, inputs, ({ knownAt }) =>
      knownAt < recordedAt ? answer() : answer(layer('one', 'P', 10)),
    );
    expect(changes.recordedTime.map((change) => [change.eventId, change.at, change.totalAfter])).toEqual([
      ['a', hour(10), 10],
      ['b', hour(10), 10],
    ]);
  });
});
