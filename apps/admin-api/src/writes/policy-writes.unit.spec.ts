import type { CommandBus } from '@nestjs/cqrs';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { ValidityDto } from './common.dto';
import { PolicyWrites, type WriteExchange } from './policy-writes';
import type { RecordPolicyEvent } from './record-policy-event.command';
import { ChangeTariffRateDto } from './tariff-measure.dto';

/**
 * What PolicyWrites hands the domain, and which bodies it takes: a body that drifts from the
 * payload of its command does not compile (`npm run typecheck` checks the expectations below).
 */
describe('PolicyWrites', () => {
  const recorded = {
    streamId: 'tariff-1',
    streamVersion: 2,
    position: 41,
  } as AnyEventEnvelope;
  let sent: RecordPolicyEvent[];
  let writes: PolicyWrites;
  let exchange: WriteExchange;

  beforeEach(() => {
    sent = [];
    const bus = {
      execute: (command: RecordPolicyEvent) => {
        sent.push(command);
        return Promise.resolve({ replayed: false, events: [recorded] });
      },
    };
    writes = new PolicyWrites(bus as unknown as CommandBus);
    const response = { status: () => response, setHeader: () => response };
    exchange = {
      request: { headers: {}, method: 'POST', path: '/v1/tariff-measures/tariff-1/rate-changes', body: {} },
      response,
      caller: { keyId: 'admin-1', role: 'admin' },
    } as unknown as WriteExchange;
  });

  const citation = { reference: 'Executive Order 14266' };

  function rateChange(fields: Partial<ChangeTariffRateDto>): ChangeTariffRateDto {
    return Object.assign(new ChangeTariffRateDto(), { citation, ...fields });
  }

  it('hands the domain the payload: the body without its citation, instants in UTC, absent fields dropped', async () => {
    const body = rateChange({ rate: 125, validFrom: '2025-04-10T06:01:00+02:00', validTo: undefined });

    await expect(
      writes.record(exchange, { type: 'ChangeTariffRate', streamId: 'tariff-1', body }),
    ).resolves.toBe(recorded);

    expect(sent).toHaveLength(1);
    expect(sent[0].command).toEqual({
      type: 'ChangeTariffRate',
      streamId: 'tariff-1',
      data: { rate: 125, validFrom: '2025-04-10T04:01:00.000Z' },
    });
    expect(sent[0].context.citation).toEqual(citation);
  });

  describe('refuses to compile a body that drifts from its payload, which would otherwise reach the domain', () => {
    it('a body without a payload field', async () => {
      class WithoutRate extends ValidityDto {}
      const body = Object.assign(new WithoutRate(), { citation, validFrom: '2025-04-10T04:01:00Z' });

      await writes.record(exchange, {
        type: 'ChangeTariffRate',
        streamId: 'tariff-1',
        // @ts-expect-error TariffRateChanged has a rate
        body,
      });

      expect(sent[0].command.data).not.toHaveProperty('rate');
    });

    it('a payload field of another type', async () => {
      class RateAsText extends ValidityDto {
        rate!: string;
      }
      const body = Object.assign(new RateAsText(), {
        citation,
        rate: '125',
        validFrom: '2025-04-10T04:01:00Z',
      });

      await writes.record(exchange, {
        type: 'ChangeTariffRate',
        streamId: 'tariff-1',
        // @ts-expect-error the rate of TariffRateChanged is a number
        body,
      });

      expect(sent[0].command.data).toHaveProperty('rate', '125');
    });

    it('a renamed payload field', async () => {
      class RenamedValidTo extends ChangeTariffRateDto {
        validUntil?: string;
      }
      const body = Object.assign(new RenamedValidTo(), {
        citation,
        rate: 125,
        validFrom: '2025-04-10T04:01:00Z',
        validUntil: '2025-08-12T04:01:00Z',
      });

      await writes.record(exchange, {
        type: 'ChangeTariffRate',
        streamId: 'tariff-1',
        // @ts-expect-error TariffRateChanged has no validUntil: the validTo the client meant is lost
        body,
      });

      expect(sent[0].command.data).toHaveProperty('validUntil');
      expect(sent[0].command.data).not.toHaveProperty('validTo');
    });

    it("a body for another command's payload", async () => {
      const body = rateChange({ rate: 125, validFrom: '2025-04-10T04:01:00Z' });

      await writes.record(exchange, {
        type: 'LiftTariff',
        streamId: 'tariff-1',
        // @ts-expect-error TariffLifted has neither a rate nor a validTo
        body,
      });

      expect(sent[0].command).toMatchObject({ type: 'LiftTariff', data: { rate: 125 } });
    });
  });
});
