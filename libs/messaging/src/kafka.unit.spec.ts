import { KafkaJSProtocolError, type Admin } from 'kafkajs';
import { KafkaCredentialsMissing, kafkaConnection, waitForLeaders } from './kafka';

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

describe('waitForLeaders', () => {
  /** An admin whose metadata answers are played in turn: an error code, or leaders per partition. */
  function adminAnswering(answers: readonly (string | number[])[]): { admin: Admin; calls: () => number } {
    let calls = 0;
    const admin = {
      fetchTopicMetadata: () => {
        const answer = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        if (typeof answer === 'string') {
          return Promise.reject(
            new KafkaJSProtocolError({ type: answer, message: answer, retriable: true } as never),
          );
        }
        return Promise.resolve({
          topics: [
            {
              name: 'policy.events',
              partitions: answer.map((leader, partitionId) => ({ partitionId, leader })),
            },
          ],
        });
      },
    } as unknown as Admin;
    return { admin, calls: () => calls };
  }

  it('waits through the moments a broker does not know a topic it has just created, or its leaders', async () => {
    const { admin, calls } = adminAnswering([
      'UNKNOWN_TOPIC_OR_PARTITION',
      'LEADER_NOT_AVAILABLE',
      [1, -1],
      [1, 1],
    ]);
    await waitForLeaders(admin, 'policy.events');
    expect(calls()).toBe(4);
  });

  it('passes on any other error at once', async () => {
    const { admin, calls } = adminAnswering(['TOPIC_AUTHORIZATION_FAILED']);
    await expect(waitForLeaders(admin, 'policy.events')).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    expect(calls()).toBe(1);
  });

  it('gives up after its time, naming the topic', async () => {
    const { admin } = adminAnswering([[-1]]);
    await expect(waitForLeaders(admin, 'policy.events', 250)).rejects.toThrow(/policy\.events has no leader/);
  });
});
