import { createHash } from 'node:crypto';
import { RARE_EARTH_CONTROLS, SEED_STREAMS, US_RECIPROCAL_ON_CN, chainStream } from '../test/seed-events';
import type { AnyEventEnvelope } from './envelope';
import { computeEventHash, verifyStreamChain } from './event-hash';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('computeEventHash', () => {
  const [lifted] = chainStream('tariff-measure', 'us-fentanyl-cn', [
    {
      recordedAt: '2025-05-12T12:00:00.000Z',
      citation: { reference: 'EO 14195', title: 'Fentanyl' },
      event: { type: 'TariffLifted', data: { validFrom: '2025-05-14T04:01:00.000Z' } },
    },
  ]);

  it('hashes the RFC 8785 form of the envelope without hash and position', () => {
    const canonical =
      `{"actor":{"keyId":"key-admin-1","role":"admin"},"causationId":null,` +
      `"citation":{"reference":"EO 14195","title":"Fentanyl"},"correlationId":"corr-us-fentanyl-cn-1",` +
      `"data":{"validFrom":"2025-05-14T04:01:00.000Z"},"id":"${lifted.id}","prevHash":null,` +
      `"recordedAt":"2025-05-12T12:00:00.000Z","schemaVersion":1,"streamId":"us-fentanyl-cn",` +
      `"streamType":"tariff-measure","streamVersion":1,"type":"TariffLifted"}`;
    expect(lifted.hash).toBe(sha256(canonical));
    expect(lifted.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores hash, position and properties that are not envelope fields', () => {
    const withExtras = { ...lifted, position: 999, hash: 'x', partition: 3 };
    expect(computeEventHash(withExtras)).toBe(lifted.hash);
  });

  it('treats an undefined optional field as absent but null as a value', () => {
    const base = RARE_EARTH_CONTROLS[0];
    const withUndefined = { ...base, data: { ...base.data, excludedDestinations: undefined } };
    expect(computeEventHash(withUndefined as AnyEventEnvelope)).toBe(base.hash);
    const withNull = { ...base, data: { ...base.data, excludedDestinations: null } };
    expect(computeEventHash(withNull as unknown as AnyEventEnvelope)).not.toBe(base.hash);
  });

  it('changes with any field, however small', () => {
    const base = US_RECIPROCAL_ON_CN[1];
    const changed = { ...base, data: { ...base.data, rate: 10.01 } } as AnyEventEnvelope;
    expect(computeEventHash(changed)).not.toBe(base.hash);
  });
});

describe('verifyStreamChain', () => {
  const stream = US_RECIPROCAL_ON_CN;

  it('accepts every seed stream', () => {
    for (const events of SEED_STREAMS) {
      expect(verifyStreamChain(events)).toEqual({ ok: true, checked: events.length });
    }
  });

  it('accepts an empty stream', () => {
    expect(verifyStreamChain([])).toEqual({ ok: true, checked: 0 });
  });

  it('finds tampered data at the version where it happened', () => {
    const tampered = stream.map((event) =>
      event.streamVersion === 2
        ? ({ ...event, data: { ...event.data, rate: 30 } } as AnyEventEnvelope)
        : event,
    );
    expect(verifyStreamChain(tampered)).toMatchObject({
      ok: false,
      streamId: 'us-ieepa-reciprocal-cn',
      streamVersion: 2,
      reason: expect.stringContaining('does not recompute') as string,
    });
  });

  it('finds a prevHash that does not link to the previous event', () => {
    const relinked = stream.map((event) =>
      event.streamVersion === 3 ? rehash({ ...event, prevHash: stream[0].hash }) : event,
    );
    expect(verifyStreamChain(relinked)).toMatchObject({
      ok: false,
      streamVersion: 3,
      reason: expect.stringContaining('prevHash') as string,
    });
  });

  it('refuses a first event with a prevHash', () => {
    const first = rehash({ ...stream[0], prevHash: 'a'.repeat(64) });
    expect(verifyStreamChain([first])).toMatchObject({ ok: false, streamVersion: 1 });
  });

  it('finds a gap in the versions', () => {
    expect(verifyStreamChain([stream[0], stream[2], stream[3]])).toMatchObject({
      ok: false,
      streamVersion: 3,
      reason: 'expected streamVersion 2, found 3',
    });
  });

  it('refuses a stream that does not start at version 1', () => {
    expect(verifyStreamChain(stream.slice(1))).toMatchObject({ ok: false, streamVersion: 2 });
  });

  it('refuses events of another stream', () => {
    const mixed = [stream[0], { ...RARE_EARTH_CONTROLS[1], prevHash: stream[0].hash }];
    expect(verifyStreamChain(mixed)).toMatchObject({
      ok: false,
      streamId: 'cn-rare-earths-2025-04',
      reason: expect.stringContaining('belongs to export-control/cn-rare-earths-2025-04') as string,
    });
  });

  it('refuses a recordedAt that does not increase', () => {
    const [first, second] = chainStream('tariff-measure', 'same-instant', [
      {
        recordedAt: '2025-05-12T12:00:00.000Z',
        event: { type: 'TariffLifted', data: { validFrom: '2025-05-14T04:01:00.000Z' } },
      },
      {
        recordedAt: '2025-05-12T12:00:00.000Z',
        event: { type: 'TariffValidityChanged', data: { validTo: null } },
      },
    ]);
    expect(verifyStreamChain([first, second])).toMatchObject({
      ok: false,
      streamVersion: 2,
      reason: expect.stringContaining('is not after') as string,
    });
  });
});

function rehash(event: AnyEventEnvelope): AnyEventEnvelope {
  return { ...event, hash: computeEventHash(event) };
}
