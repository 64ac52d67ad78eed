import { Journal } from '@ledger/journal';
import { ledgerOverHttp } from './support/ledger-over-http';
import { imposeReciprocalOnChina } from './support/policy-bodies';

/** The answer for magnets (HS 850511) when no duty layer applies. */
const NO_DUTY_ON_MAGNETS = {
  product: { code: '850511', nomenclature: 'HS' },
  layers: [],
  total: 0,
  partialLayers: 0,
  excludedLayers: [],
};

/**
 * The timing of real 2025 tariffs through the API: a threat announced and dropped (the
 * additional 100 % on China announced on 10 October 2025 for 1 November), a start postponed
 * (the 50 % on the EU threatened for 1 June, postponed on 25 May to 9 July) and part of a rate
 * suspended (Executive Order 14298: 24 of the 34 reciprocal points on China for 90 days from
 * 14 May 2025; China's Tariff Commission Announcement No. 7 [2025] likewise on US goods).
 */
describe('tariff timing over HTTP: announced, withdrawn, postponed, partly suspended', () => {
  const ledger = ledgerOverHttp('tariff-timing');
  const { post, read } = ledger;
  const written = ledger.write;
  let journal: Journal;

  interface Effective {
    layers: Array<{
      measureId: string;
      rate: number;
      appliedRate: number;
      suspension: {
        points: number;
        provision: string | null;
        validFrom: string;
        validTo: string | null;
      } | null;
    }>;
    total: number;
  }
  const effective = (token: number, query: Record<string, string>) =>
    read<Effective>(`/v1/tariffs/effective?${new URLSearchParams(query).toString()}`, token);

  interface Measure {
    status: string;
    version: number;
    state: Record<string, unknown>;
  }
  const measure = (token: number, id: string, query: Record<string, string>) =>
    read<Measure>(`/v1/measures/${id}?${new URLSearchParams(query).toString()}`, token);

  beforeAll(async () => {
    await ledger.start();
    journal = new Journal(ledger.database().pool);
  });

  afterAll(() => ledger.stop());

  const threatOnChina = {
    id: 'us-cn-additional-100',
    imposer: 'US',
    targets: ['CN'],
    program: 'US-CN-ADDITIONAL-100',
    products: { scope: 'all' },
    title: 'Additional 100 % tariff on goods of China',
    announcedAt: '2025-10-10T00:00:00Z',
    rate: 100,
    validFrom: '2025-11-01T00:00:00-04:00',
    citation: { reference: 'Presidential statement of 10 October 2025' },
  };

  it('an announced tariff levies nothing and shows its intended rate and start; withdrawn, it reads withdrawn; an imposed one must be lifted instead', async () => {
    const announced = await written('/v1/tariff-measures/announcements', threatOnChina);
    expect(announced).toMatchObject({
      type: 'TariffAnnounced',
      streamVersion: 1,
      data: { rate: 100, validFrom: '2025-11-01T04:00:00.000Z', announcedAt: '2025-10-10T00:00:00.000Z' },
    });
    const onChina = { imposer: 'US', origin: 'CN', product: '850511', asOf: '2025-11-05' };
    expect(await effective(announced.position, onChina)).toEqual(NO_DUTY_ON_MAGNETS);
    expect(await measure(announced.position, threatOnChina.id, { asOf: '2025-11-05' })).toMatchObject({
      status: 'announced',
      state: {
        intendedRate: 100,
        rate: null,
        legalInstrument: null,
        withdrawal: null,
        life: { validFrom: '2025-11-01T04:00:00.000Z' },
      },
    });

    const stepUp = await post(`/v1/tariff-measures/${threatOnChina.id}/rate-changes`, {
      rate: 150,
      validFrom: '2025-11-01T04:00:00Z',
      citation: { reference: 'Illustration' },
    });
    expect(stepUp.status).toBe(409);
    expect(stepUp.body).toMatchObject({ code: 'measure-not-imposed' });

    const noReason = await post(`/v1/tariff-measures/${threatOnChina.id}/withdrawals`, {
      withdrawnAt: '2025-10-30T00:00:00Z',
      citation: { reference: 'Illustration' },
    });
    expect(noReason.status).toBe(400);
    expect(
      new Set((noReason.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field)),
    ).toEqual(new Set(['reason']));

    const withdrawn = await written(`/v1/tariff-measures/${threatOnChina.id}/withdrawals`, {
      withdrawnAt: '2025-10-30T00:00:00Z',
      reason: 'Not imposed after the leaders met in Busan on 30 October 2025',
      citation: { reference: 'US–China leaders’ meeting, Busan, 30 October 2025' },
    });
    expect(withdrawn).toMatchObject({ type: 'TariffWithdrawn', streamVersion: 2 });
    expect(await measure(withdrawn.position, threatOnChina.id, { asOf: '2025-11-05' })).toMatchObject({
      status: 'withdrawn',
      version: 2,
      state: { intendedRate: 100, withdrawal: { withdrawnAt: '2025-10-30T00:00:00.000Z' } },
    });
    // Before its withdrawal it was a live threat; known before it was recorded, it still is.
    expect((await measure(withdrawn.position, threatOnChina.id, { asOf: '2025-10-20' })).status).toBe(
      'announced',
    );
    expect(
      (
        await measure(withdrawn.position, threatOnChina.id, {
          asOf: '2025-11-05',
          knownAt: announced.recordedAt,
        })
      ).status,
    ).toBe('announced');
    expect(await effective(withdrawn.position, onChina)).toEqual(NO_DUTY_ON_MAGNETS);

    const before = await journal.readStream(threatOnChina.id);
    const implemented = await post('/v1/tariff-measures', {
      ...threatOnChina,
      legalInstrument: 'Illustration',
    });
    expect(implemented.status).toBe(409);
    expect(implemented.body).toMatchObject({ code: 'measure-withdrawn' });
    expect(await journal.readStream(threatOnChina.id)).toEqual(before);

    await written('/v1/tariff-measures', imposeReciprocalOnChina('us-reciprocal-cn'));
    const notWithdrawable = await post('/v1/tariff-measures/us-reciprocal-cn/withdrawals', {
      withdrawnAt: '2025-10-30T00:00:00Z',
      reason: 'Illustration',
      citation: { reference: 'Illustration' },
    });
    expect(notWithdrawable.status).toBe(409);
    expect(notWithdrawable.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(notWithdrawable.body).toMatchObject({ code: 'measure-imposed' });
    expect((notWithdrawable.body as { detail: string }).detail).toMatch(/lift it instead/);
  });

  it('imposing an announced measure on its id implements it; a second imposition is still a conflict', async () => {
    const announced = await written('/v1/tariff-measures/announcements', {
      ...threatOnChina,
      id: 'us-cn-announced-then-imposed',
      legalInstrument: 'IEEPA',
    });
    const imposed = await written('/v1/tariff-measures', {
      ...threatOnChina,
      id: 'us-cn-announced-then-imposed',
      legalInstrument: 'Illustration: an order implementing the announcement',
      citation: { reference: 'Illustration' },
    });
    expect(imposed).toMatchObject({ type: 'TariffImposed', streamVersion: 2 });
    const onChina = { imposer: 'US', origin: 'CN', product: '850511', asOf: '2025-11-05' };
    const layers = (await effective(imposed.position, onChina)).layers.map((layer) => layer.measureId);
    expect(layers).toContain('us-cn-announced-then-imposed');
    const beforeImposition = await effective(imposed.position, { ...onChina, knownAt: announced.recordedAt });
    expect(beforeImposition.layers.map((layer) => layer.measureId)).not.toContain(
      'us-cn-announced-then-imposed',
    );

    const again = await post('/v1/tariff-measures', {
      ...threatOnChina,
      id: 'us-cn-announced-then-imposed',
      legalInstrument: 'Illustration',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'stream-exists' });
  });

  it('a postponement moves the start later, even recorded after the old start; known before it, the old start holds; an earlier start is refused', async () => {
    const threat = await written('/v1/tariff-measures/announcements', {
      id: 'us-eu-additional-50',
      imposer: 'US',
      targets: ['EU'],
      program: 'US-EU-ADDITIONAL-50',
      products: { scope: 'all' },
      title: 'Additional 50 % tariff on goods of the European Union',
      announcedAt: '2025-05-23T00:00:00Z',
      rate: 50,
      validFrom: '2025-06-01T00:00:00-04:00',
      citation: { reference: 'Presidential statement of 23 May 2025' },
    });
    const postponed = await written('/v1/tariff-measures/us-eu-additional-50/postponements', {
      validFrom: '2025-07-09T00:00:00-04:00',
      citation: { reference: 'Presidential statement of 25 May 2025' },
    });
    expect(postponed).toMatchObject({
      type: 'TariffPostponed',
      data: { validFrom: '2025-07-09T04:00:00.000Z' },
    });
    expect(await measure(postponed.position, 'us-eu-additional-50', { asOf: '2025-06-15' })).toMatchObject({
      status: 'announced',
      state: { intendedRate: 50, life: { validFrom: '2025-07-09T04:00:00.000Z' } },
    });
    const knownBefore = await measure(postponed.position, 'us-eu-additional-50', {
      asOf: '2025-06-15',
      knownAt: threat.recordedAt,
    });
    expect(knownBefore.state).toMatchObject({ life: { validFrom: '2025-06-01T04:00:00.000Z' } });

    const earlier = await post('/v1/tariff-measures/us-eu-additional-50/postponements', {
      validFrom: '2025-07-01T00:00:00-04:00',
      citation: { reference: 'Illustration' },
    });
    expect(earlier.status).toBe(409);
    expect(earlier.body).toMatchObject({ code: 'postponement-not-later' });

    // An imposed measure, its start moved after the fact (the ledger records it now, long after).
    const imposed = await written('/v1/tariff-measures', {
      ...imposeReciprocalOnChina('postponed-duty'),
      targets: ['VN'],
      program: 'ILLUSTRATION-POSTPONED',
      rate: 20,
      validFrom: '2025-06-01T04:01:00Z',
    });
    const moved = await written('/v1/tariff-measures/postponed-duty/postponements', {
      validFrom: '2025-07-01T04:01:00Z',
      citation: { reference: 'Illustration' },
    });
    const onVietnam = { imposer: 'US', origin: 'VN', product: '850511', asOf: '2025-06-15' };
    const ids = (answer: Effective) => answer.layers.map((layer) => layer.measureId);
    expect(ids(await effective(moved.position, onVietnam))).not.toContain('postponed-duty');
    expect(ids(await effective(moved.position, { ...onVietnam, knownAt: imposed.recordedAt }))).toContain(
      'postponed-duty',
    );
    expect(ids(await effective(moved.position, { ...onVietnam, asOf: '2025-07-02' }))).toContain(
      'postponed-duty',
    );
  });

  it('Executive Order 14298 suspends 24 of the 34 points: the legal rate stays 34, 10 applies, and the total sums applied rates', async () => {
    const reciprocal = await written('/v1/tariff-measures', {
      ...imposeReciprocalOnChina('us-reciprocal-cn-34'),
      program: 'US-IEEPA-RECIPROCAL-EO-14298',
      products: { scope: 'codes', codes: ['850511'] },
    });
    const eo14298 = {
      points: 24,
      provision: '24 of the 34 percentage points of the reciprocal rate on China',
      validFrom: '2025-05-14T00:01:00-04:00',
      validTo: '2025-08-12T00:01:00-04:00',
      citation: {
        reference: 'Executive Order 14298',
        title: 'Modifying Reciprocal Tariff Rates To Reflect Discussions With the People’s Republic of China',
      },
    };
    const suspended = await written('/v1/tariff-measures/us-reciprocal-cn-34/point-suspensions', eo14298);
    expect(suspended).toMatchObject({
      type: 'TariffPointsSuspended',
      streamVersion: 2,
      data: { points: 24, validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' },
    });
    const query = { imposer: 'US', origin: 'CN', product: '85051110', asOf: '2025-05-20' };
    const layer = (answer: Effective) =>
      answer.layers.find((candidate) => candidate.measureId === 'us-reciprocal-cn-34');
    const during = await effective(suspended.position, query);
    expect(layer(during)).toMatchObject({
      rate: 34,
      appliedRate: 10,
      suspension: {
        points: 24,
        provision: eo14298.provision,
        validFrom: '2025-05-14T04:01:00.000Z',
        validTo: '2025-08-12T04:01:00.000Z',
      },
    });
    expect(during.total).toBe(during.layers.reduce((sum, each) => sum + each.appliedRate, 0));
    expect(
      layer(await effective(suspended.position, { ...query, knownAt: reciprocal.recordedAt })),
    ).toMatchObject({
      rate: 34,
      appliedRate: 34,
      suspension: null,
    });
    expect(
      layer(await effective(suspended.position, { ...query, asOf: '2025-08-12T04:01:00Z' })),
    ).toMatchObject({ rate: 34, appliedRate: 34, suspension: null });
    expect(await measure(suspended.position, 'us-reciprocal-cn-34', { asOf: '2025-05-20' })).toMatchObject({
      status: 'in-force',
      state: { rate: 34, partialSuspensions: [{ points: 24, provision: eo14298.provision }] },
    });

    const tooMany = await post('/v1/tariff-measures/us-reciprocal-cn-34/point-suspensions', {
      ...eo14298,
      points: 35,
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ code: 'points-exceed-rate' });
    const none = await post('/v1/tariff-measures/us-reciprocal-cn-34/point-suspensions', {
      ...eo14298,
      points: 0,
    });
    expect(none.status).toBe(400);
    expect(
      new Set((none.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field)),
    ).toEqual(new Set(['points']));
    expect((await journal.readStream('us-reciprocal-cn-34'))?.version).toBe(2);
  });

  it("China's Tariff Commission Announcement No. 7 [2025] suspends 24 of its 34 points on US goods: 10 applies", async () => {
    await written('/v1/tariff-measures', {
      id: 'cn-tariff-commission-us-34',
      imposer: 'CN',
      targets: ['US'],
      program: 'CN-STC-COUNTERMEASURE',
      products: { scope: 'all' },
      title: 'Additional tariff on goods originating in the United States',
      legalInstrument: 'State Council Tariff Commission announcement of 4 April 2025',
      announcedAt: '2025-04-04T00:00:00+08:00',
      rate: 34,
      validFrom: '2025-04-10T12:01:00+08:00',
      citation: { reference: 'State Council Tariff Commission announcement of 4 April 2025' },
    });
    const suspended = await written('/v1/tariff-measures/cn-tariff-commission-us-34/point-suspensions', {
      points: 24,
      provision: '24 of the 34 percentage points',
      validFrom: '2025-05-14T12:01:00+08:00',
      validTo: '2025-08-12T12:01:00+08:00',
      citation: { reference: 'State Council Tariff Commission Announcement No. 7 [2025]' },
    });
    expect(
      await effective(suspended.position, {
        imposer: 'CN',
        origin: 'US',
        product: '850511',
        asOf: '2025-05-20',
      }),
    ).toMatchObject({
      layers: [{ measureId: 'cn-tariff-commission-us-34', rate: 34, appliedRate: 10 }],
      total: 10,
    });
  });
});
