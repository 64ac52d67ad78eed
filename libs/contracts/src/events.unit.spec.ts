import { EVENT_STREAM_TYPES, EVENT_TYPES, POLICY_STREAM_TYPES, streamEventTypes } from './events';

describe('the per-stream event types', () => {
  it('are the event types only that stream type holds', () => {
    expect(streamEventTypes('agreement')).toEqual(['AgreementConcluded']);
    expect(streamEventTypes('licence')).toEqual([
      'LicenceApplied',
      'LicenceApproved',
      'LicenceDenied',
      'LicenceRevoked',
    ]);
  });

  it('share out every event type but the retraction, which any policy stream holds', () => {
    const owned = [...POLICY_STREAM_TYPES, 'ledger' as const].flatMap((streamType) =>
      streamEventTypes(streamType),
    );
    expect([...owned, 'EventRetracted'].sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_STREAM_TYPES.EventRetracted).toEqual(POLICY_STREAM_TYPES);
  });
});
