import { KafkaCredentialsMissing, kafkaConnection } from './kafka';

describe('kafkaConnection', () => {
  const brokers = ['127.0.0.1:9092'];

  it('authenticates with the principal given', () => {
    expect(
      kafkaConnection({
        brokers,
        clientId: 'relay',
        sasl: { mechanism: 'scram-sha-512', username: 'ledger-relay', password: 's3cret' },
      }),
    ).toEqual({
      brokers,
      ssl: false,
      sasl: { mechanism: 'scram-sha-512', username: 'ledger-relay', password: 's3cret' },
    });
  });

  it('refuses to make a SCRAM client without a principal, naming what to set', () => {
    expect(() =>
      kafkaConnection({ brokers, clientId: 'relay', sasl: { mechanism: 'scram-sha-512' } }),
    ).toThrow(KafkaCredentialsMissing);
    expect(() =>
      kafkaConnection({ brokers, clientId: 'relay', sasl: { mechanism: 'scram-sha-512' } }),
    ).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  });

  it('connects without SASL when the mechanism is none, over TLS when asked', () => {
    expect(kafkaConnection({ brokers, clientId: 'x', sasl: { mechanism: 'none' }, ssl: true })).toEqual({
      brokers,
      ssl: true,
    });
  });
});
