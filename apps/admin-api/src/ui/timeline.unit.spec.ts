import type { RecordedEnvelope } from '@ledger/contracts';
import { timelineOf, timelineSvg } from './timeline';

let version = 0;
function recorded(type: string, data: object, schemaVersion = 1): RecordedEnvelope {
  version += 1;
  return {
    id: `00000000-0000-4000-8000-00000000000${version}`,
    type,
    schemaVersion,
    streamId: 'us-ieepa-reciprocal-cn',
    streamType: 'tariff-measure',
    streamVersion: version,
    position: version,
    recordedAt: `2025-04-${String(version + 1).padStart(2, '0')}T12:00:00.000Z`,
    actor: { keyId: 'admin', role: 'admin' },
    correlationId: '00000000-0000-4000-8000-0000000000ff',
    causationId: null,
    citation: null,
    prevHash: null,
    hash: 'x',
    data,
  } as RecordedEnvelope;
}

describe('timelineOf and timelineSvg', () => {
  version = 0;
  const imposed = recorded('TariffImposed', {
    imposer: 'US',
    targets: ['CN'],
    program: 'ieepa-reciprocal',
    products: { kind: 'all' },
    title: 'Reciprocal tariff on goods of China',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00Z',
    validTo: null,
  });
  const raised = recorded(
    'TariffRateChanged',
    { rate: 84, validFrom: '2025-04-09T04:01:00Z', validTo: null, heading: null, instrument: null },
    2,
  );
  const wrong = recorded('TariffRateChanged', { rate: 840, validFrom: '2025-04-10T04:01:00Z' });
  const suspended = recorded('TariffPointsSuspended', {
    points: 24,
    validFrom: '2025-05-14T04:01:00Z',
    validTo: '2025-08-12T04:01:00Z',
  });
  const retraction = recorded('EventRetracted', { retractedEventId: wrong.id, reason: 'Typo' });
  const extended = recorded('TariffValidityChanged', { validTo: '2026-11-10T05:01:00Z' });
  const timeline = timelineOf('us-ieepa-reciprocal-cn', [
    extended,
    retraction,
    suspended,
    wrong,
    raised,
    imposed,
  ]);

  it('has one band per event in version order: recorded time runs down', () => {
    expect(timeline.bands.map((band) => [band.version, band.type])).toEqual([
      [1, 'TariffImposed'],
      [2, 'TariffRateChanged'],
      [3, 'TariffRateChanged'],
      [4, 'TariffPointsSuspended'],
      [5, 'EventRetracted'],
      [6, 'TariffValidityChanged'],
    ]);
  });

  it('spans each band over the valid time its event speaks of: open ends, points, suspensions', () => {
    expect(
      timeline.bands.map(({ kind, from, to, point, label }) => ({ kind, from, to, point, label })),
    ).toEqual([
      { kind: 'rate', from: '2025-04-09T04:01:00Z', to: null, point: false, label: 'TariffImposed 34 %' },
      { kind: 'rate', from: '2025-04-09T04:01:00Z', to: null, point: false, label: 'TariffRateChanged 84 %' },
      {
        kind: 'rate',
        from: '2025-04-10T04:01:00Z',
        to: null,
        point: false,
        label: 'TariffRateChanged 840 %',
      },
      {
        kind: 'suspension',
        from: '2025-05-14T04:01:00Z',
        to: '2025-08-12T04:01:00Z',
        point: false,
        label: 'TariffPointsSuspended −24 pts',
      },
      { kind: 'retraction', from: null, to: null, point: true, label: 'EventRetracted of v3' },
      {
        kind: 'validity',
        from: '2026-11-10T05:01:00Z',
        to: '2026-11-10T05:01:00Z',
        point: true,
        label: 'TariffValidityChanged new end',
      },
    ]);
  });

  it('strikes out the retracted event and links its retraction to it', () => {
    expect(timeline.bands.filter((band) => band.retracted).map((band) => band.version)).toEqual([3]);
    expect(timeline.bands[4].retracts).toBe(3);
  });

  it('draws later valid times further right, and open spans to the right edge', () => {
    const svg = timelineSvg(timeline);
    const xOf = (version: number): number => {
      const group = new RegExp(
        `data-version="${version}"[^]*?<(rect|path) class="band[^"]*"(?: x="([0-9.]+)"| d="M([0-9.]+))`,
      ).exec(svg);
      if (!group) throw new Error(`no band for v${version}`);
      return Number(group[2] ?? group[3]);
    };
    expect(xOf(1)).toBe(xOf(2));
    expect(xOf(3)).toBeGreaterThan(xOf(2));
    expect(xOf(4)).toBeGreaterThan(xOf(3));
    expect(xOf(6)).toBeGreaterThan(xOf(4));
    const imposedBand =
      /data-version="1"[^]*?<rect class="band rate" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"/.exec(svg);
    expect(Number(imposedBand?.[1]) + Number(imposedBand?.[2])).toBeCloseTo(980, 0);
    expect(svg).toContain('class="event retracted" data-event-id="' + wrong.id + '"');
    expect(svg.match(/<g class="event/g)).toHaveLength(6);
    expect(svg.match(/class="link"/g)).toHaveLength(1);
  });

  it('escapes what it draws from the record', () => {
    const svg = timelineSvg({ streamId: 'a<b>&"c', bands: [] });
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c');
    expect(svg).not.toContain('a<b>');
  });
});
