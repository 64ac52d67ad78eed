import type { PartyListed } from '@ledger/contracts';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { partySearchKey } from '@ledger/contracts';
import { screenParties } from '../src';
import { Ledger, day } from './envelopes';
import { project } from './sql-views';

/**
 * Screening real-world spellings against a synthetic list: the names are those of well-known
 * companies, the list and its listings are made up (no notice is cited).
 */

const party = (partyId: string, name: string, country: string, aliases: string[] = []): PartyListed => ({
  partyId,
  name,
  aliases,
  country,
  addresses: [],
  reason: 'Synthetic listing for screening tests',
  licenceRequirement: 'For all items subject to the EAR',
  licenceReviewPolicy: 'Presumption of denial',
  validFrom: day('2025-03-01'),
});

describe('screening names against the listed parties', () => {
  let db: TestDatabase;
  const ledger = new Ledger('2025-02-01T00:00:00.000Z');
  const citation = { reference: 'Synthetic listing, not a real notice' };
  ledger.record('screening-list', 'PartyListCreated', { imposer: 'US', name: 'Screening list' });
  for (const listed of [
    party('huawei', 'Huawei Technologies Co., Ltd.', 'CN', ['华为技术有限公司']),
    party('mueller-optik', 'Müller Optik GmbH', 'DE'),
    party('rosoboronexport', 'Rosoboronexport', 'RU', ['Рособоронэкспорт']),
    party('beta-systems', 'Beta Systems Inc.', 'US'),
  ]) {
    ledger.record('screening-list', 'PartyListed', listed, { citation });
  }
  ledger.record('screening-list', 'PartyDelisted', { partyId: 'beta-systems', validFrom: day('2025-06-01') });

  const screen = (name: string, options: { country?: string; threshold?: number; asOf?: string } = {}) =>
    screenParties(db.pool, {
      name,
      country: options.country,
      threshold: options.threshold ?? 0.5,
      limit: 10,
      asOf: options.asOf ?? day('2025-07-01'),
      knownAt: day('2025-12-31'),
    });
  const best = async (name: string, options: { country?: string; threshold?: number; asOf?: string } = {}) =>
    (await screen(name, options)).map((match) => `${match.partyId} ${match.score} ${match.matchedName}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    await project(db.pool, ledger.events);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('finds a name written without its legal form, in capitals, or only in part', async () => {
    const [exact] = await screen('HUAWEI TECHNOLOGIES');
    expect(exact).toMatchObject({
      partyId: 'huawei',
      score: 1,
      matchedName: 'Huawei Technologies Co., Ltd.',
      list: { id: 'screening-list', imposer: 'US', name: 'Screening list' },
      licenceRequirement: 'For all items subject to the EAR',
      licenceReviewPolicy: 'Presumption of denial',
      citation: { reference: 'Synthetic listing, not a real notice' },
      listedFrom: day('2025-03-01'),
    });
    expect((await screen('Huawei')).map((match) => match.partyId)).toEqual(['huawei']);
    expect(partySearchKey('Huawei Technologies Co., Ltd.')).toBe(partySearchKey('HUAWEI TECHNOLOGIES'));
  });

  it('meets accents and umlaut spellings: Müller, Mueller and Muller are one name', async () => {
    const scores = await Promise.all(['Müller', 'Mueller', 'Muller'].map((name) => screen(name)));
    for (const matches of scores) {
      expect(matches).toHaveLength(1);
      expect(matches[0]).toMatchObject({ partyId: 'mueller-optik', matchedName: 'Müller Optik GmbH' });
      expect(matches[0].score).toBe(scores[0][0].score);
    }
    expect(await best('MÜLLER OPTIK')).toEqual(['mueller-optik 1 Müller Optik GmbH']);
  });

  it('meets other scripts through their romanisation', async () => {
    expect(await best('华为')).toEqual(['huawei 0.629 华为技术有限公司']);
    expect(await best('Rosoboroneksport')).toEqual(['rosoboronexport 1 Рособоронэкспорт']);
    expect((await screen('Рособоронэкспорт'))[0].partyId).toBe('rosoboronexport');
  });

  it('returns candidates from the threshold up, best first, of the country asked for', async () => {
    expect((await screen('Mueller', { threshold: 0.9 })).map((match) => match.partyId)).toEqual([]);
    expect(await screen('Mueller', { country: 'CN' })).toEqual([]);
    expect((await screen('Mueller', { country: 'DE' })).map((match) => match.partyId)).toEqual([
      'mueller-optik',
    ]);
    const ranked = await screen('Huawei Optik', { threshold: 0.1 });
    expect(ranked.map((match) => match.score)).toEqual(
      [...ranked.map((match) => match.score)].sort((a, b) => b - a),
    );
    expect(ranked.map((match) => match.partyId).sort()).toEqual(['huawei', 'mueller-optik']);
  });

  it('screens against the parties listed at asOf: none before the listing, none after a delisting', async () => {
    expect(await screen('Beta Systems', { asOf: day('2025-02-15') })).toEqual([]);
    expect(await best('Beta Systems', { asOf: day('2025-04-01') })).toEqual([
      'beta-systems 1 Beta Systems Inc.',
    ]);
    expect(await screen('Beta Systems')).toEqual([]);
  });
});
