import { generateKeyPairSync } from 'node:crypto';
import type { Pool } from 'pg';
import { API_KEY_STREAM_ID, CHECKPOINT_STREAM_ID, checkpointKeyId, signCheckpoint } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import { Journal } from '@ledger/journal';
import { listDeadLetters } from '@ledger/projection';
import { applyEvents, readModelChecksums, tariffsEffective } from '@ledger/read-models';
import { createTestDatabase, type DatabaseRole, type TestDatabase } from '@ledger/testing';
import { IMPOSED } from './support/audited-ledger';

const RUNTIME_ROLES: readonly DatabaseRole[] = [
  'ledger_writer',
  'ledger_relay',
  'ledger_projector',
  'ledger_auditor',
  'ledger_notifier',
];
const LEDGER_SCHEMAS = ['journal', 'read_models', 'projector', 'access'];

/** insufficient_privilege: what Postgres answers whatever the statement a role may not run. */
const REFUSED = '42501';

/**
 * Every privilege each role holds on the ledger's tables outside `access`, as has_*_privilege
 * reports it: an UPDATE granted on some columns only is listed with them. Nothing else, anywhere.
 */
const PRIVILEGES: Record<DatabaseRole, Record<string, string>> = {
  ledger_writer: {
    'journal.events': 'SELECT INSERT',
    'journal.idempotency_keys': 'SELECT INSERT',
    'journal.streams': 'SELECT INSERT UPDATE(last_recorded_at,version)',
    'projector.dead_letters': 'SELECT',
    'public.pgmigrations': 'SELECT',
    'read_models.control_items': 'SELECT',
    'read_models.events': 'SELECT',
    'read_models.licences': 'SELECT',
    'read_models.measures': 'SELECT',
    'read_models.party_listings': 'SELECT',
    'read_models.party_lists': 'SELECT',
    'read_models.product_codes': 'SELECT',
    'read_models.retractions': 'SELECT',
    'read_models.stream_versions': 'SELECT',
    'read_models.timeline_entries': 'SELECT',
  },
  ledger_relay: {
    'journal.events': 'SELECT INSERT',
    'journal.identity': 'SELECT',
    'journal.publications': 'SELECT INSERT UPDATE(position,updated_at)',
    'journal.streams': 'SELECT INSERT UPDATE(last_recorded_at,version)',
    'public.pgmigrations': 'SELECT',
  },
  ledger_projector: {
    'projector.consumed_offsets': 'SELECT INSERT UPDATE',
    'projector.dead_letters': 'SELECT INSERT UPDATE',
    'public.pgmigrations': 'SELECT',
    'read_models.control_items': 'SELECT INSERT UPDATE',
    'read_models.events': 'SELECT INSERT UPDATE',
    'read_models.licences': 'SELECT INSERT UPDATE DELETE',
    'read_models.measures': 'SELECT INSERT UPDATE',
    'read_models.party_listings': 'SELECT INSERT UPDATE',
    'read_models.party_lists': 'SELECT INSERT UPDATE',
    'read_models.product_codes': 'SELECT INSERT UPDATE',
    'read_models.retractions': 'SELECT INSERT UPDATE',
    'read_models.stream_versions': 'SELECT INSERT UPDATE',
    'read_models.timeline_entries': 'SELECT INSERT UPDATE',
  },
  ledger_auditor: {
    'journal.events': 'SELECT',
    'journal.identity': 'SELECT',
    'journal.idempotency_keys': 'SELECT',
    'journal.publications': 'SELECT',
    'journal.streams': 'SELECT',
    'projector.consumed_offsets': 'SELECT',
    'projector.dead_letters': 'SELECT',
    'public.pgmigrations': 'SELECT',
    'read_models.control_items': 'SELECT',
    'read_models.events': 'SELECT',
    'read_models.licences': 'SELECT',
    'read_models.measures': 'SELECT',
    'read_models.party_listings': 'SELECT',
    'read_models.party_lists': 'SELECT',
    'read_models.product_codes': 'SELECT',
    'read_models.retractions': 'SELECT',
    'read_models.stream_versions': 'SELECT',
    'read_models.timeline_entries': 'SELECT',
  },
  // The notifier has tables of its own (below) and nothing of the ledger's.
  ledger_notifier: {},
};

const PRIVILEGES_HELD = `
  WITH tables AS (
    SELECT c.oid, format('%s.%s', n.nspname, c.relname) AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND (n.nspname = ANY ($2::text[]) OR (n.nspname = 'public' AND c.relname = 'pgmigrations'))
  ), held AS (
    SELECT t.name, p.ord, CASE
      WHEN has_table_privilege($1, t.oid, p.privilege) THEN p.privilege
      WHEN p.privilege IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') THEN (
        SELECT p.privilege || '(' || string_agg(a.attname, ',' ORDER BY a.attname) || ')'
        FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
          AND has_column_privilege($1, t.oid, a.attnum, p.privilege))
    END AS granted
    FROM tables t
    CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
      WITH ORDINALITY AS p(privilege, ord)
  )
  SELECT name, string_agg(granted, ' ' ORDER BY ord) AS privileges FROM held
  WHERE granted IS NOT NULL GROUP BY name ORDER BY name`;

async function failureOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the statement to be refused');
}

describe('database roles: each app holds what its code needs and nothing more', () => {
  let db: TestDatabase;
  const as = (role: DatabaseRole): Pool => db.poolAs(role);

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('connects as each role, none of them a superuser', async () => {
    for (const role of RUNTIME_ROLES) {
      const { rows } = await as(role).query<{ user: string; superuser: string }>(
        `SELECT current_user AS user, current_setting('is_superuser') AS superuser`,
      );
      expect(rows).toEqual([{ user: role, superuser: 'off' }]);
    }
  });

  it('gives the roles no power over the server: no superuser, createdb, createrole, replication or bypassrls', async () => {
    const { rows } = await db.pool.query(
      `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit
       FROM pg_roles WHERE rolname = ANY ($1::text[]) ORDER BY rolname`,
      [['ledger_owner', ...RUNTIME_ROLES]],
    );
    const powerless = { rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false };
    expect(rows).toEqual(
      [
        'ledger_auditor',
        'ledger_notifier',
        'ledger_owner',
        'ledger_projector',
        'ledger_relay',
        'ledger_writer',
      ].map((rolname) => ({
        rolname,
        // Nobody logs in as the owner: only migrations act on its objects, as the superuser.
        rolcanlogin: rolname !== 'ledger_owner',
        ...powerless,
        rolbypassrls: false,
        rolinherit: true,
      })),
    );
  });

  it('makes no runtime role a member of any role, so none can SET ROLE ledger_owner', async () => {
    const { rows } = await db.pool.query(
      `SELECT member.rolname FROM pg_auth_members m JOIN pg_roles member ON member.oid = m.member
       WHERE member.rolname = ANY ($1::text[])`,
      [RUNTIME_ROLES],
    );
    expect(rows).toEqual([]);
    for (const role of RUNTIME_ROLES) {
      expect(await failureOf(as(role).query('SET ROLE ledger_owner'))).toMatchObject({ code: REFUSED });
      expect(await failureOf(as(role).query('SET SESSION AUTHORIZATION postgres'))).toMatchObject({
        code: REFUSED,
      });
    }
  });

  it('has ledger_owner own every object of the ledger, and the runtime roles own nothing', async () => {
    const { rows } = await db.pool.query<{ object: string; owner: string }>(
      `SELECT format('schema %s', nspname) AS object, nspowner::regrole::text AS owner FROM pg_namespace
       WHERE nspname = ANY ($1::text[])
       UNION ALL
       SELECT format('relation %s', c.oid::regclass), c.relowner::regrole::text FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY ($1::text[])
       UNION ALL
       SELECT format('function %s', p.oid::regprocedure), p.proowner::regrole::text FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY ($1::text[])
       UNION ALL
       SELECT format('type %s', t.oid::regtype), t.typowner::regrole::text FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY ($1::text[])`,
      [LEDGER_SCHEMAS],
    );
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((row) => row.owner !== 'ledger_owner')).toEqual([]);

    const owned = await db.pool.query(
      `SELECT relname FROM pg_class WHERE relowner::regrole::text = ANY ($1::text[])
       UNION ALL SELECT proname FROM pg_proc WHERE proowner::regrole::text = ANY ($1::text[])
       UNION ALL SELECT nspname FROM pg_namespace WHERE nspowner::regrole::text = ANY ($1::text[])
       UNION ALL SELECT typname FROM pg_type WHERE typowner::regrole::text = ANY ($1::text[])`,
      [RUNTIME_ROLES],
    );
    expect(owned.rows).toEqual([]);
  });

  it('grants PUBLIC nothing in the ledger: no schema, table, sequence or function', async () => {
    const { rows } = await db.pool.query(
      `SELECT n.nspname AS object FROM pg_namespace n, aclexplode(n.nspacl) acl
       WHERE n.nspname = ANY ($1::text[]) AND acl.grantee = 0
       UNION ALL
       SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
         aclexplode(c.relacl) acl WHERE n.nspname = ANY ($1::text[]) AND acl.grantee = 0
       UNION ALL
       SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
         aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
       WHERE n.nspname = ANY ($1::text[]) AND acl.grantee = 0`,
      [LEDGER_SCHEMAS],
    );
    expect(rows).toEqual([]);
  });

  it.each(RUNTIME_ROLES)('gives %s exactly its privileges on the tables', async (role) => {
    const { rows } = await db.pool.query<{ name: string; privileges: string }>(PRIVILEGES_HELD, [
      role,
      LEDGER_SCHEMAS.filter((schema) => schema !== 'access'),
    ]);
    expect(Object.fromEntries(rows.map((row) => [row.name, row.privileges]))).toEqual(PRIVILEGES[role]);
  });

  describe.each(RUNTIME_ROLES)('%s cannot change what the journal holds', (role) => {
    let columns: { table: string; column: string }[];

    beforeAll(async () => {
      const { rows } = await db.pool.query<{ table: string; column: string }>(
        `SELECT c.oid::regclass::text AS table, a.attname AS column FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'journal' AND c.relkind = 'r' AND a.attgenerated = ''
         ORDER BY 1, a.attnum`,
      );
      columns = rows;
    });

    const tables = () => [...new Set(columns.map((entry) => entry.table))];

    it('refuses DELETE and TRUNCATE on every journal table', async () => {
      expect(tables()).toEqual(
        expect.arrayContaining([
          'journal.events',
          'journal.streams',
          'journal.idempotency_keys',
          'journal.identity',
          'journal.publications',
        ]),
      );
      for (const table of tables()) {
        expect(await failureOf(as(role).query(`DELETE FROM ${table}`))).toMatchObject({ code: REFUSED });
        expect(await failureOf(as(role).query(`TRUNCATE ${table}`))).toMatchObject({ code: REFUSED });
      }
    });

    it('refuses UPDATE of every journal column but a stream head and a publication position', async () => {
      const updatable: string[] = [];
      for (const { table, column } of columns) {
        const update = as(role).query(`UPDATE ${table} SET "${column}" = "${column}" WHERE false`);
        const outcome = await update.then(
          () => 'updated',
          (error: { code?: string }) => error.code,
        );
        if (outcome === 'updated') updatable.push(`${table}.${column}`);
        else expect({ table, column, outcome }).toEqual({ table, column, outcome: REFUSED });
      }
      const heads = ['journal.streams.version', 'journal.streams.last_recorded_at'];
      const publications = ['journal.publications.position', 'journal.publications.updated_at'];
      const expected: Record<DatabaseRole, string[]> = {
        ledger_writer: heads,
        ledger_relay: [...publications, ...heads],
        ledger_projector: [],
        ledger_auditor: [],
        ledger_notifier: [],
      };
      expect(updatable.sort()).toEqual(expected[role].sort());
    });

    it.each([
      'ALTER TABLE journal.events DISABLE TRIGGER ALL',
      'ALTER TABLE journal.events DISABLE TRIGGER events_append_only',
      'DROP TRIGGER events_append_only ON journal.events',
      'CREATE OR REPLACE FUNCTION journal.refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
      'DROP TABLE journal.events',
      'ALTER TABLE journal.events OWNER TO CURRENT_USER',
      'CREATE TABLE journal.shadow (id int)',
      'CREATE SCHEMA shadow',
    ])('refuses %s', async (statement) => {
      expect(await failureOf(as(role).query(statement))).toMatchObject({ code: REFUSED });
    });
  });

  it.each(['ledger_relay', 'ledger_projector', 'ledger_auditor', 'ledger_notifier'] as const)(
    '%s cannot touch the API keys: not read, insert, or call a function of access',
    async (role) => {
      const insert = `INSERT INTO access.api_keys (key_id, key_hash, role, label)
        VALUES ('key-minted', repeat('a', 64), 'admin', 'minted')`;
      expect(await failureOf(as(role).query(insert))).toMatchObject({ code: REFUSED });
      expect(await failureOf(as(role).query('SELECT * FROM access.api_keys'))).toMatchObject({
        code: REFUSED,
      });
      const { rows } = await db.pool.query(
        `SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'access' AND has_function_privilege($1, p.oid, 'EXECUTE')`,
        [role],
      );
      expect(rows).toEqual([]);
    },
  );

  it("gives the notifier its own tables' rows to read and write, never to delete, and them to no other role", async () => {
    const { rows } = await db.pool.query<{ name: string; privileges: string }>(
      PRIVILEGES_HELD.replace("(n.nspname = 'public' AND c.relname = 'pgmigrations')", 'false'),
      ['ledger_notifier', ['notifier']],
    );
    const tables = [
      'deliveries',
      'delivery_attempts',
      'stream_facts',
      'subscriber_offsets',
      'subscriber_streams',
      'webhooks',
    ];
    expect(rows).toEqual(
      tables.map((table) => ({ name: `notifier.${table}`, privileges: 'SELECT INSERT UPDATE' })),
    );
    const notifier = as('ledger_notifier');
    expect(await failureOf(notifier.query('DELETE FROM notifier.webhooks'))).toMatchObject({ code: REFUSED });
    expect(await failureOf(notifier.query('TRUNCATE notifier.deliveries'))).toMatchObject({ code: REFUSED });
    expect(await failureOf(notifier.query('DROP TABLE notifier.deliveries'))).toMatchObject({
      code: REFUSED,
    });
    for (const role of RUNTIME_ROLES.filter((candidate) => candidate !== 'ledger_notifier')) {
      expect(await failureOf(as(role).query('SELECT * FROM notifier.webhooks'))).toMatchObject({
        code: REFUSED,
      });
    }
  });

  it('lets the admin API never delete or truncate an API key, nor change its digest', async () => {
    const writer = as('ledger_writer');
    expect(await failureOf(writer.query('DELETE FROM access.api_keys'))).toMatchObject({ code: REFUSED });
    expect(await failureOf(writer.query('TRUNCATE access.api_keys'))).toMatchObject({ code: REFUSED });
    expect(
      await failureOf(writer.query(`UPDATE access.api_keys SET key_hash = repeat('b', 64) WHERE false`)),
    ).toMatchObject({ code: REFUSED });
  });

  it('refuses a projector write into the read models from every other role, and TRUNCATE from all', async () => {
    for (const role of ['ledger_writer', 'ledger_relay', 'ledger_auditor'] as const) {
      expect(await failureOf(as(role).query('DELETE FROM read_models.events'))).toMatchObject({
        code: REFUSED,
      });
      expect(
        await failureOf(as(role).query('UPDATE projector.dead_letters SET resolved_at = now() WHERE false')),
      ).toMatchObject({ code: REFUSED });
    }
    for (const role of RUNTIME_ROLES) {
      expect(await failureOf(as(role).query('TRUNCATE read_models.events'))).toMatchObject({ code: REFUSED });
    }
  });

  describe('and each role can do its job', () => {
    it('the admin API appends through the journal, with an idempotency key, and reads it back', async () => {
      const journal = new Journal(as('ledger_writer'));
      const request = {
        streamId: 'us-cn-least-privilege',
        streamType: 'tariff-measure' as const,
        expectedVersion: 0,
        events: [IMPOSED],
        actor: { keyId: 'key-test', role: 'admin' as const },
        correlationId: 'least-privilege-1',
        causationId: null,
        citation: { reference: 'Executive Order 14257' },
        idempotency: { keyId: 'key-test', key: 'least-privilege-1', fingerprint: 'f1' },
      };
      const first = await journal.append(request);
      const again = await journal.append(request);
      expect(first).toMatchObject({ replayed: false, events: [{ streamVersion: 1 }] });
      expect(again).toEqual({ replayed: true, events: first.events });
      const next = await journal.append({
        ...request,
        expectedVersion: 1,
        events: [{ type: 'TariffRateChanged', data: { rate: 84, validFrom: '2025-04-10T04:01:00.000Z' } }],
        idempotency: undefined,
      });
      expect(next.events.map((event) => event.position)).toEqual([2]);
      expect((await journal.readStream(request.streamId))?.version).toBe(2);
      expect(await journal.findIdempotent('key-test', 'least-privilege-1')).toMatchObject({
        fingerprint: 'f1',
      });
      expect(await journal.readCommitted(0, 10)).toHaveLength(2);
      const { rows } = await as('ledger_writer').query(
        'SELECT count(*)::int AS migrations FROM pgmigrations',
      );
      expect(rows[0].migrations).toBeGreaterThan(0);
    });

    it('the relay appends a signed checkpoint and records what it published', async () => {
      const journal = new Journal(as('ledger_relay'));
      const { privateKey } = generateKeyPairSync('ed25519');
      const head = await journal.headPosition();
      const statement = await journal.checkpointStatementAt(head);
      const { events } = await journal.append({
        streamId: CHECKPOINT_STREAM_ID,
        streamType: 'ledger',
        expectedVersion: 0,
        events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, privateKey) }],
        actor: { keyId: `checkpoint-key:${checkpointKeyId(privateKey)}`, role: 'system' },
        correlationId: `checkpoint-${head}`,
        causationId: null,
        citation: null,
      });
      expect(events).toMatchObject([{ type: 'LedgerCheckpointSigned', position: head + 1 }]);

      const instance = {
        clusterId: 'cluster-least-privilege',
        topic: 'policy.events',
        topicInstance: '0196b1d4-0000-7000-8000-000000000001',
      };
      await journal.startPublication(instance, 3);
      await journal.savePublication(instance, head + 1);
      expect(await journal.readPublication(instance)).toMatchObject({ position: head + 1, partitions: 3 });
      expect(await journal.journalId()).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('the projector writes the read models, which the admin API and the auditor read', async () => {
      const events = await new Journal(as('ledger_auditor')).readCommitted(0, 10);
      const policy = events.filter((event) => event.streamType === 'tariff-measure');
      await inTransaction(as('ledger_projector'), (client) => applyEvents(client, policy));
      const query = {
        imposer: 'US',
        origin: 'CN',
        product: '850511',
        asOf: '2025-05-01T00:00:00.000Z',
        knownAt: new Date().toISOString(),
      };
      expect(await tariffsEffective(as('ledger_writer'), query)).toMatchObject({ total: 84 });
      const checksums = await readModelChecksums(as('ledger_auditor'));
      expect(checksums.find((entry) => entry.table === 'read_models.events')?.rows).toBe(2);
      expect(await listDeadLetters(as('ledger_auditor'), { includeResolved: true })).toEqual([]);
    });
  });

  describe('rows: each role appends only to its own streams', () => {
    it('the relay, which signs checkpoints, cannot append a policy event', async () => {
      const relay = new Journal(as('ledger_relay'));
      const forged = relay.append({
        streamId: 'forged-by-the-relay',
        streamType: 'tariff-measure',
        expectedVersion: 0,
        events: [IMPOSED],
        actor: { keyId: 'key-admin', role: 'admin' },
        correlationId: 'forged',
        causationId: null,
        citation: null,
      });
      await expect(forged).rejects.toMatchObject({ code: REFUSED });
      const direct = `INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
        VALUES ('forged-stream', 'tariff-measure', 1, now())`;
      expect(await failureOf(as('ledger_relay').query(direct))).toMatchObject({ code: REFUSED });
    });

    it.each([CHECKPOINT_STREAM_ID, 'ledger-forged'])(
      'the admin API cannot append a checkpoint to %s, nor move the checkpoints head',
      async (streamId) => {
        const { privateKey } = generateKeyPairSync('ed25519');
        const writer = new Journal(as('ledger_writer'));
        const statement = await new Journal(as('ledger_relay')).checkpointStatementAt(0);
        const forged = writer.append({
          streamId,
          streamType: 'ledger',
          // The admin API cannot even see the stream's head for update: to it, the stream is new.
          expectedVersion: 0,
          events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, privateKey) }],
          actor: { keyId: `checkpoint-key:${checkpointKeyId(privateKey)}`, role: 'system' },
          correlationId: 'forged',
          causationId: null,
          citation: null,
        });
        await expect(forged).rejects.toMatchObject({ code: REFUSED });
        const moved = await as('ledger_writer').query(
          `UPDATE journal.streams SET version = version + 1 WHERE stream_id = $1`,
          [CHECKPOINT_STREAM_ID],
        );
        expect(moved.rowCount).toBe(0);
        expect((await writer.readStream(CHECKPOINT_STREAM_ID))?.version).toBe(1);
      },
    );

    it('the relay cannot append to the record of API key changes', async () => {
      const forged = `INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
        VALUES ('${API_KEY_STREAM_ID}', 'ledger', 1, now())`;
      expect(await failureOf(as('ledger_relay').query(forged))).toMatchObject({ code: REFUSED });
    });

    it('nobody reads around the rows: every reader sees every stream', async () => {
      const { rows } = await db.pool.query<{ streams: number }>(
        'SELECT count(*)::int AS streams FROM journal.streams',
      );
      expect(rows[0].streams).toBe(2);
      for (const role of ['ledger_writer', 'ledger_relay', 'ledger_auditor'] as const) {
        const seen = await as(role).query<{ streams: number }>(
          'SELECT count(*)::int AS streams FROM journal.streams',
        );
        expect({ role, streams: seen.rows[0].streams }).toEqual({ role, streams: rows[0].streams });
      }
    });
  });
});
