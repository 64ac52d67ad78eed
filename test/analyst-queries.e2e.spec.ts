import request from 'supertest';
import { adminApiClient, type AdminApiClient, type QueryOf, type Schema } from './support/admin-api-client';
import { KEYS } from './support/ledger-harness';
import { ledgerOverHttp } from './support/ledger-over-http';
import { licenceApplication, rareEarthControl } from './support/policy-bodies';

/**
 * The questions analysts ask, through the API over the US duties on goods of China in 2025
 * (the seed scenario of docs/domain.md): every tariff in force, what changed between two
 * instants on both time axes, and every list as CSV. The tariff writes and the JSON reads go
 * through the client typed by the OpenAPI document, so the document and these answers cannot part.
 */

type Event = Schema<'RecordedEnvelopeDto'>;

const FENTANYL = {
  id: 'us-ieepa-fentanyl-cn',
  imposer: 'US',
  targets: ['CN', 'HK'],
  program: 'US-IEEPA-FENTANYL',
  products: { scope: 'all' },
  title: 'Additional duty on products of China (synthetic opioid supply chain)',
  legalInstrument: 'Executive Order 14195',
  announcedAt: '2025-02-01T22:00:00Z',
  rate: 10,
  validFrom: '2025-02-04T05:01:00Z',
  citation: {
    reference: 'Executive Order 14195',
    title: "Imposing Duties To Address the Synthetic Opioid Supply Chain in the People's Republic of China",
  },
} satisfies Schema<'ImposeTariffDto'>;
const RECIPROCAL = {
  id: 'us-ieepa-reciprocal-cn',
  imposer: 'US',
  targets: ['CN', 'HK', 'MO'],
  program: 'US-IEEPA-RECIPROCAL',
  products: { scope: 'all' },
  title: 'Reciprocal tariff: country-specific rate for China',
  legalInstrument: 'Executive Order 14257',
  announcedAt: '2025-04-02T20:00:00Z',
  rate: 34,
  validFrom: '2025-04-09T04:01:00Z',
  citation: { reference: 'Executive Order 14257, Annex I' },
} satisfies Schema<'ImposeTariffDto'>;
const reciprocalRates: Schema<'ChangeTariffRateDto'>[] = [
  { rate: 84, validFrom: '2025-04-09T04:01:00Z', citation: { reference: 'Executive Order 14259' } },
  { rate: 125, validFrom: '2025-04-10T04:01:00Z', citation: { reference: 'Executive Order 14266' } },
  { rate: 34, validFrom: '2025-05-14T04:01:00Z', citation: { reference: 'Executive Order 14298' } },
  {
    rate: 10,
    validFrom: '2025-05-14T04:01:00Z',
    validTo: '2025-08-12T04:01:00Z',
    citation: { reference: 'Executive Order 14298: 24 points suspended for 90 days' },
  },
];

describe('analyst queries over HTTP: tariff listings, changes on both time axes, CSV', () => {
  const ledger = ledgerOverHttp('analyst-queries');
  const written: Event[] = [];
  let recordedFrom: string;
  let api: AdminApiClient;
  let reader: AdminApiClient;

  /** A write the typed client has no path type for here (controls, licences): the raw helper. */
  const post = async (path: string, body: object): Promise<Event> => {
    const event = (await ledger.write(path, body)) as Event;
    written.push(event);
    return event;
  };

  /** An accepted write through the typed client: its answer is the recorded event. */
  const accepted = (answer: { data?: Event; response: Response }): Event => {
    expect(answer.response.status).toBe(201);
    written.push(answer.data!);
    return answer.data!;
  };

  const impose = async (body: Schema<'ImposeTariffDto'>) =>
    accepted(await api.POST('/v1/tariff-measures', { body }));

  const changeRate = async (id: string, body: Schema<'ChangeTariffRateDto'>) =>
    accepted(await api.POST('/v1/tariff-measures/{id}/rate-changes', { params: { path: { id } }, body }));

  const get = (path: string, accept?: string) => {
    const call = request(ledger.server()).get(path).set('Authorization', `Bearer ${KEYS.reader}`);
    return accept === undefined ? call : call.set('Accept', accept);
  };

  /** Waits until the read models hold every write so far: a token vouches for its own stream only. */
  const projected = async () => {
    const last = new Map(written.map((event) => [event.streamId, event.position]));
    for (const [id, position] of last) {
      const { response } = await reader.GET('/v1/measures/{id}', {
        params: { path: { id }, header: { 'Consistency-Token': String(position) } },
      });
      expect(response.status).toBe(200);
    }
  };

  /** What changed for US duties on goods of China, on 850511 unless the query names a product. */
  const changes = async (
    query: Omit<QueryOf<'readsTariffChanges'>, 'imposer' | 'origin' | 'product'> & { product?: string },
  ): Promise<Schema<'TariffChangesDto'>> => {
    const { data, response } = await reader.GET('/v1/tariffs/changes', {
      params: { query: { imposer: 'US', origin: 'CN', product: '850511', ...query } },
    });
    expect(response.status).toBe(200);
    return data!;
  };

  beforeAll(async () => {
    await ledger.start();
    const server = ledger.server() as Parameters<typeof adminApiClient>[0];
    api = await adminApiClient(server, KEYS.admin);
    reader = await adminApiClient(server, KEYS.reader);
    recordedFrom = new Date().toISOString();
    await impose(FENTANYL);
    await changeRate(FENTANYL.id, {
      rate: 20,
      validFrom: '2025-03-04T05:01:00Z',
      citation: { reference: 'Executive Order 14228' },
    });
    await impose(RECIPROCAL);
    for (const change of reciprocalRates) await changeRate(RECIPROCAL.id, change);
    await projected();
  });

  afterAll(() => ledger.stop());

  it('lists every US tariff reaching China with its status, rate in force, scope, life and citation', async () => {
    const tariffs = async (query: QueryOf<'readsTariffs'>) => {
      const { data, response } = await reader.GET('/v1/tariffs', { params: { query } });
      expect(response.status).toBe(200);
      return data!;
    };
    expect(await tariffs({ imposer: 'US', origin: 'CN', asOf: '2025-04-20' })).toEqual({
      tariffs: [
        {
          measureId: FENTANYL.id,
          program: 'US-IEEPA-FENTANYL',
          status: 'in-force',
          rate: 20,
          products: { scope: 'all' },
          targets: ['CN', 'HK'],
          excludedTargets: [],
          namesOrigin: true,
          title: FENTANYL.title,
          legalInstrument: 'Executive Order 14195',
          validFrom: '2025-02-04T05:01:00.000Z',
          validTo: null,
          citation: { reference: 'Executive Order 14228' },
        },
        expect.objectContaining({
          measureId: RECIPROCAL.id,
          status: 'in-force',
          rate: 125,
          citation: { reference: 'Executive Order 14266' },
        }),
      ],
    });
    const beforeReciprocal = await tariffs({ imposer: 'US', origin: 'CN', asOf: '2025-04-03' });
    expect(beforeReciprocal.tariffs.map(({ measureId, status, rate }) => [measureId, status, rate])).toEqual([
      [FENTANYL.id, 'in-force', 20],
      [RECIPROCAL.id, 'scheduled', null],
    ]);
    const oneProgram = await tariffs({
      imposer: 'US',
      origin: 'HK',
      program: 'US-IEEPA-RECIPROCAL',
      asOf: '2025-05-20',
    });
    expect(oneProgram).toMatchObject({ tariffs: [{ measureId: RECIPROCAL.id, rate: 10 }] });
    expect(await tariffs({ imposer: 'US', origin: 'CN', asOf: '2025-04-20', knownAt: recordedFrom })).toEqual(
      {
        tariffs: [],
      },
    );
  });

  it('answers the duty in force on a product and the event feed as the document types them', async () => {
    const effective = await reader.GET('/v1/tariffs/effective', {
      params: { query: { imposer: 'US', origin: 'CN', product: '850511', asOf: '2025-04-20' } },
    });
    expect(effective.response.status).toBe(200);
    expect(effective.data).toMatchObject({ product: { code: '850511' }, total: 145, partialLayers: 0 });
    expect(
      effective.data!.layers.map((layer) => [
        layer.program,
        layer.appliedRate,
        layer.coverage,
        layer.citation,
      ]),
    ).toEqual([
      ['US-IEEPA-FENTANYL', 20, 'full', { reference: 'Executive Order 14228' }],
      ['US-IEEPA-RECIPROCAL', 125, 'full', { reference: 'Executive Order 14266' }],
    ]);

    const measure = await reader.GET('/v1/measures/{id}', {
      params: { path: { id: FENTANYL.id }, query: { asOf: '2025-04-20' } },
    });
    expect(measure.response.headers.get('etag')).toBe('"2"');
    // The answer is told apart by streamType: narrowed, the state is a tariff measure's.
    if (measure.data?.streamType !== 'tariff-measure') throw new Error('expected a tariff measure');
    expect([measure.data.status, measure.data.state.rate, measure.data.state.life]).toEqual([
      'in-force',
      20,
      { validFrom: '2025-02-04T05:01:00.000Z', validTo: null, liftedFrom: null },
    ]);

    const feed = await reader.GET('/v1/events', { params: { query: { after: 0, limit: 1000 } } });
    expect(feed.response.status).toBe(200);
    const ours = feed.data!.events.filter((event) => written.some((write) => write.id === event.id));
    expect(ours.map((event) => [event.type, event.streamId, event.position])).toEqual(
      written.map((event) => [event.type, event.streamId, event.position]),
    );
    expect(feed.data!.next).toBe(feed.data!.events.at(-1)!.position);
  });

  it('says at which instants of valid time the duty changed, as known now and as known earlier', async () => {
    const now = await changes({ from: '2025-01-01', to: '2025-09-01' });
    expect(now.validTime.map((change) => [change.at, change.totalBefore, change.totalAfter])).toEqual([
      ['2025-02-04T05:01:00.000Z', 0, 10],
      ['2025-03-04T05:01:00.000Z', 10, 20],
      ['2025-04-09T04:01:00.000Z', 20, 104],
      ['2025-04-10T04:01:00.000Z', 104, 145],
      ['2025-05-14T04:01:00.000Z', 145, 30],
      // The 24 points paused for 90 days come back by themselves.
      ['2025-08-12T04:01:00.000Z', 30, 54],
    ]);
    expect(now.validTime[4].layers).toEqual([
      { measureId: RECIPROCAL.id, program: 'US-IEEPA-RECIPROCAL', before: 125, after: 10 },
    ]);
    const raiseTo84 = written.find(
      (event) => event.type === 'TariffRateChanged' && (event.data as { rate?: number }).rate === 84,
    );
    const knownBefore84 = new Date(Date.parse(raiseTo84!.recordedAt) - 1).toISOString();
    const earlier = await changes({ from: '2025-04-01', to: '2025-04-10', knownAt: knownBefore84 });
    expect(earlier.validTime.map((change) => [change.at, change.totalAfter])).toEqual([
      ['2025-04-09T04:01:00.000Z', 54],
    ]);
  });

  it('says which records changed an answer, from which valid instant, retractions included', async () => {
    const { recordedTime } = await changes({ from: recordedFrom, to: new Date().toISOString() });
    expect(
      recordedTime.map((change) => [change.type, change.at, change.totalBefore, change.totalAfter]),
    ).toEqual([
      ['TariffImposed', '2025-02-04T05:01:00.000Z', 0, 10],
      ['TariffRateChanged', '2025-03-04T05:01:00.000Z', 10, 20],
      ['TariffImposed', '2025-04-09T04:01:00.000Z', 20, 54],
      ['TariffRateChanged', '2025-04-09T04:01:00.000Z', 54, 104],
      ['TariffRateChanged', '2025-04-10T04:01:00.000Z', 104, 145],
      ['TariffRateChanged', '2025-05-14T04:01:00.000Z', 145, 54],
      ['TariffRateChanged', '2025-05-14T04:01:00.000Z', 54, 30],
    ]);
    expect(recordedTime.map((change) => change.eventId)).toEqual(written.map((event) => event.id));
    expect(recordedTime[0]).toMatchObject({ streamId: FENTANYL.id, recordedAt: written[0].recordedAt });

    const raiseTo125 = written.find(
      (event) => event.type === 'TariffRateChanged' && (event.data as { rate?: number }).rate === 125,
    )!;
    const retraction = accepted(
      await api.POST('/v1/streams/{id}/retractions', {
        params: { path: { id: RECIPROCAL.id } },
        body: {
          retractedEventId: raiseTo125.id,
          reason: 'Entered against the wrong executive order',
          citation: { reference: 'Correction' },
        },
      }),
    );
    await projected();
    const corrected = await changes({
      from: retraction.recordedAt,
      to: new Date(Date.now() + 1000).toISOString(),
    });
    expect(corrected.recordedTime).toEqual([
      {
        eventId: retraction.id,
        type: 'EventRetracted',
        streamId: RECIPROCAL.id,
        recordedAt: retraction.recordedAt,
        at: '2025-04-10T04:01:00.000Z',
        totalBefore: 145,
        totalAfter: 104,
        layers: [{ measureId: RECIPROCAL.id, program: 'US-IEEPA-RECIPROCAL', before: 125, after: 84 }],
      },
    ]);
    // Recorded again, ending where the rates of 14 May begin: a paint recorded later wins where it covers.
    await changeRate(RECIPROCAL.id, { ...reciprocalRates[1], validTo: '2025-05-14T04:01:00Z' });
    await projected();
  });

  it('answers every list as RFC 4180 CSV with a header row when asked, and 406 for what nobody serves', async () => {
    const control = await post('/v1/export-controls', rareEarthControl('cn-mofcom-2025-18'));
    await post('/v1/licences', licenceApplication('licence-magnets-1', control.streamId));
    await post('/v1/licences', {
      ...licenceApplication('licence-magnets-2', control.streamId),
      destination: 'DE',
      exporter: '=HYPERLINK("http://example.com")',
    });
    await projected();

    const listed = await get('/v1/tariffs?imposer=US&origin=CN&asOf=2025-04-20', 'text/csv');
    expect(listed.status).toBe(200);
    expect(listed.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(listed.text.split('\r\n')).toEqual([
      'measureId,program,status,rate,products,excludedProducts,targets,excludedTargets,namesOrigin,validFrom,validTo,legalInstrument,title,citationReference,citationUrl',
      `${FENTANYL.id},US-IEEPA-FENTANYL,in-force,20,all,,CN HK,,true,2025-02-04T05:01:00.000Z,,Executive Order 14195,Additional duty on products of China (synthetic opioid supply chain),Executive Order 14228,`,
      `${RECIPROCAL.id},US-IEEPA-RECIPROCAL,in-force,125,all,,CN HK MO,,true,2025-04-09T04:01:00.000Z,,Executive Order 14257,Reciprocal tariff: country-specific rate for China,Executive Order 14266,`,
      '',
    ]);

    const changed = await get(
      '/v1/tariffs/changes?imposer=US&origin=CN&product=850511&from=2025-04-09&to=2025-04-11',
      'text/csv',
    );
    expect(changed.text.split('\r\n').slice(0, 3)).toEqual([
      'axis,at,recordedAt,eventId,type,streamId,totalBefore,totalAfter,measureId,program,rateBefore,rateAfter',
      `valid,2025-04-09T04:01:00.000Z,,,,,20,104,${RECIPROCAL.id},US-IEEPA-RECIPROCAL,,84`,
      `valid,2025-04-10T04:01:00.000Z,,,,,104,145,${RECIPROCAL.id},US-IEEPA-RECIPROCAL,84,125`,
    ]);

    const layers = await get(
      '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-05-20',
      'text/csv;q=0.9, application/xml',
    );
    expect(layers.text.split('\r\n')[0]).toBe(
      'measureId,program,rate,appliedRate,suspendedPoints,coverage,lines,excludedLines,validFrom,validTo,legalInstrument,heading,instrument,title,citationReference,citationUrl',
    );
    expect(layers.text).toContain(
      `${RECIPROCAL.id},US-IEEPA-RECIPROCAL,10,10,,full,,,2025-05-14T04:01:00.000Z,2025-08-12T04:01:00.000Z,`,
    );

    const controls = await get('/v1/export-controls/active?imposer=CN&asOf=2025-05-01', 'text/csv');
    const controlRows = controls.text.split('\r\n');
    expect(controlRows[0]).toBe(
      'controlId,imposer,kind,destinations,excludedDestinations,item,itemDescription,validFrom,validTo,legalInstrument,citationReference,citationUrl',
    );
    // One row per item under control; a description with a comma is quoted.
    expect(controlRows).toContain(
      'cn-mofcom-2025-18,CN,licence-required,*,,Dy,"Dy: metal, alloys, oxides and compounds",2025-04-03T16:00:00.000Z,,MOFCOM/GAC Announcement No. 18 of 2025,MOFCOM Announcement No. 18 of 2025,http://www.mofcom.gov.cn/',
    );
    expect(controlRows).toHaveLength(1 + 7 + 1);

    const licences = await get('/v1/licences?limit=1', 'text/csv');
    expect(licences.text.split('\r\n')[1]).toMatch(
      /^licence-magnets-1,pending,1,cn-mofcom-2025-18,Ganzhou Rare Earth Magnet Co\.,Detroit Motors Inc\.,US,Dy 850511,500,kg,2025-04-15T01:00:00\.000Z,/,
    );
    expect(licences.headers.link).toBe('</v1/licences?limit=1&after=licence-magnets-1>; rel="next"');
    // Free text a spreadsheet would run as a formula is shown as text.
    const second = await get('/v1/licences?after=licence-magnets-1', 'text/csv');
    expect(second.text.split('\r\n')[1]).toContain(',"\'=HYPERLINK(""http://example.com"")",');
    expect(second.headers.link).toBeUndefined();

    const events = await get('/v1/events?after=0&limit=100', 'text/csv');
    const [header, ...eventRows] = events.text.split('\r\n');
    expect(header.split(',').at(-1)).toBe('data');
    // JSON data in one field: quoted, its quotes doubled.
    expect(eventRows.find((row) => row.includes(`,${FENTANYL.id},`))).toMatch(
      /,"\{.*""imposer"":""US"".*\}"$/,
    );
    expect(events.headers.link).toMatch(/^<\/v1\/events\?after=\d+&limit=100>; rel="next"$/);

    const json = await get('/v1/tariffs?imposer=US&origin=CN', 'text/csv;q=0.5, application/json');
    expect(json.headers['content-type']).toMatch(/^application\/json/);

    for (const path of [
      '/v1/tariffs?imposer=US&origin=CN',
      '/v1/tariffs/changes?imposer=US&origin=CN&product=850511&from=2025-01-01&to=2025-02-01',
      '/v1/licences',
      '/v1/events',
    ]) {
      const refused = await get(path, 'application/xml');
      expect({ path, status: refused.status, code: (refused.body as { code?: string }).code }).toEqual({
        path,
        status: 406,
        code: 'not-acceptable',
      });
    }

    const document = (await request(ledger.server()).get('/docs-json')).body as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    for (const path of [
      '/v1/tariffs',
      '/v1/tariffs/changes',
      '/v1/tariffs/effective',
      '/v1/licences',
      '/v1/events',
    ]) {
      expect({ path, types: Object.keys(document.paths[path].get.responses['200'].content ?? {}) }).toEqual({
        path,
        types: ['application/json', 'text/csv'],
      });
    }
  });

  it('refuses bad questions with 400 and the field at fault, and ranges beyond the limits', async () => {
    const cases: [string, string][] = [
      ['/v1/tariffs/changes?imposer=US&origin=CN&product=850511&from=2025-02-30&to=2025-03-01', 'from'],
      ['/v1/tariffs/changes?imposer=US&origin=CN&product=850511&from=2025-05-01&to=2025-04-01', 'to'],
      ['/v1/tariffs/changes?imposer=XX&origin=CN&product=850511&from=2025-04-01&to=2025-05-01', 'imposer'],
      ['/v1/tariffs/changes?imposer=US&origin=CN&from=2025-04-01&to=2025-05-01', 'product'],
      ['/v1/tariffs?imposer=US&origin=CN&asOf=yesterday', 'asOf'],
      ['/v1/tariffs?imposer=US&origin=CN&program=reciprocal', 'program'],
      ['/v1/tariffs?imposer=XX&origin=CN', 'imposer'],
    ];
    for (const [path, field] of cases) {
      const response = await get(path);
      const body = response.body as { code: string; errors: { field: string; message: string }[] };
      expect({ path, status: response.status, code: body.code }).toEqual({
        path,
        status: 400,
        code: 'validation-failed',
      });
      expect(body.errors.map((error) => error.field)).toContain(field);
    }

    const horses = {
      ...FENTANYL,
      id: 'us-live-horses-cn',
      program: 'US-ILLUSTRATION',
      products: { scope: 'codes', codes: ['0101'] },
      title: 'Illustration: a duty changed more often than the limits compare',
      citation: { reference: 'Illustration' },
    } satisfies Schema<'ImposeTariffDto'>;
    const before = new Date().toISOString();
    await impose(horses);
    for (let day = 1; day <= 70; day++) {
      await changeRate(horses.id, {
        rate: day,
        validFrom: new Date(Date.parse('2025-06-01T00:00:00Z') + day * 86_400_000).toISOString(),
        citation: { reference: 'Illustration' },
      });
    }
    await projected();
    const tooMany = await reader.GET('/v1/tariffs/changes', {
      params: {
        query: { imposer: 'US', origin: 'CN', product: '010121', from: before, to: new Date().toISOString() },
      },
    });
    expect(tooMany.response.status).toBe(400);
    expect(tooMany.error?.code).toBe('changes-range-too-large');
    const validAxis = await changes({ product: '010121', from: '2025-06-01', to: '2025-08-01' });
    expect(validAxis.validTime).toHaveLength(60);
  });
});
