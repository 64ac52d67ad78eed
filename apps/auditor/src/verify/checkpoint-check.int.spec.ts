import { AuditedLedger } from '../../../../test/support/audited-ledger';
import { statementsAt } from './checkpoint-check';
import { markOf } from './marks';

describe('statementsAt', () => {
  let ledger: AuditedLedger;

  beforeAll(async () => {
    ledger = await AuditedLedger.create();
  });

  afterAll(async () => {
    await ledger.close();
  });

  it('states at every position what the journal signs there', async () => {
    // Streams interleaved, several events per append, and a checkpoint among them.
    await ledger.appendTariff('tariff-one', 2);
    await ledger.appendTariff('tariff-two', 1);
    await ledger.appendTariff('tariff-one', 3);
    await ledger.appendCheckpoint();
    await ledger.appendTariff('tariff-three', 2);
    await ledger.appendTariff('tariff-two', 1);

    const events = (await ledger.events()).map(markOf);
    const head = events.at(-1)!.position;
    const positions = Array.from({ length: head + 2 }, (_, position) => position);
    const computed = statementsAt(events, positions);
    for (const position of positions) {
      const { eventCount, streamCount, merkleRoot } = await ledger.journal.checkpointStatementAt(position);
      expect({ position, ...computed.get(position) }).toEqual({
        position,
        eventCount,
        streamCount,
        merkleRoot,
      });
    }
  });
});
