import type { Pool, PoolClient } from 'pg';
import { createKafka, type Kafka } from '@ledger/messaging';
import { startProjection, type RunningProjection } from '@ledger/projection';
import { readModelChecksums } from '@ledger/read-models';
import { createTestDatabase, eventually, testKafka, testProjectorGroup } from '@ledger/testing';
import { AuditedLedger, projectInto } from '../../../test/support/audited-ledger';
import { createEventTopic, deleteEventTopic } from '../../../test/support/ledger-harness';
import {
  NEXT_BOOKKEEPING_SCHEMA,
  NEXT_SCHEMA,
  PREVIOUS_SCHEMA,
  rebuildInPlace,
  type InPlaceOptions,
  type InPlacePhase,
} from './rebuild-in-place';

const TIMEOUT = 240_000;

/** What a reader of the read models sees in one statement. */
const KNOWN = `
  SELECT (SELECT count(*)::int FROM read_models.events) AS events,
         (SELECT count(*)::int FROM read_models.measures m
          JOIN read_models.stream_versions v ON v.stream_id = m.measure_id) AS measures`;

/** A catalogue description of a schema's tables, with the schema's name left out. */
const SHAPE = `
  SELECT c.relname AS table_name, pg_get_userbyid(c.relowner) AS owner,
    (SELECT string_agg(item::text, ',' ORDER BY item::text) FROM unnest(c.relacl) AS item) AS acl,
    (SELECT string_agg(format('%s %s %s %s %s', a.attname, format_type(a.atttypid, a.atttypmod),
              coalesce(col.collname, '-'), a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), '-')), ', '
              ORDER BY a.attnum)
     FROM pg_attribute a LEFT JOIN pg_collation col ON col.oid = a.attcollation AND a.attcollation <> 0
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT string_agg(definition, '; ' ORDER BY definition)
     FROM (SELECT replace(pg_get_indexdef(i.indexrelid), n.nspname || '.', '') AS definition
           FROM pg_index i WHERE i.indrelid = c.oid) AS indexes) AS indexes,
    (SELECT string_agg(con.conname || ' ' || pg_get_constraintdef(con.oid), '; ' ORDER BY con.conname)
     FROM pg_constraint con WHERE con.conrelid = c.oid) AS constraints
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`;

const SCHEMA_GRANTS = `
  SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = $1`;

interface Reading {
  readonly events: number;
  readonly measures: number;
}

/**
 * Readers of the read models, as the admin API's role, for as long as they run: each asks the
 * same question over and over — through a named prepared statement on one connection of its
 * own, as node-pg keeps them, and through the pool — and keeps every answer and every error.
 */
class Readers {
  readonly readings: Reading[] = [];
  readonly errors: unknown[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly prepared: PoolClient,
  ) {
    this.done = Promise.all([
      this.loop(() => this.pool.query<Reading>(KNOWN)),
      this.loop(() => this.readPrepared()),
    ]).then(() => undefined);
  }

  readPrepared() {
    return this.prepared.query<Reading>({ name: 'known-to-the-read-models', text: KNOWN });
  }

  private async loop(read: () => Promise<{ rows: Reading[] }>): Promise<void> {
    while (this.running) {
      try {
        const { rows } = await read();
        this.readings.push(rows[0]);
      } catch (error) {
        this.errors.push(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function known(pool: Pool, schema = 'read_models'): Promise<Reading> {
  const { rows } = await pool.query<Reading>(KNOWN.replace(/read_models\./g, `${schema}.`));
  return rows[0];
}

async function schemaPresent(pool: Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query<{ present: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present',
    [schema],
  );
  return rows[0].present;
}

/**
 * A ledger whose read models the projector's own code keeps up to date from the topic (as the
 * projector's role, so its grants are tested too), with five tariff measures projected.
 */
class ProjectedLedger {
  readonly groupId = testProjectorGroup('in-place');
  readonly auditorKafka: Kafka = createKafka(testKafka('auditor', { clientId: 'ledger-test-auditor' }));
  private projection!: RunningProjection;
  private streams = 0;

  private constructor(readonly ledger: AuditedLedger) {}

  static async create(): Promise<ProjectedLedger> {
    const projected = new ProjectedLedger(await AuditedLedger.create({ partitions: 3 }));
    await projected.ledger.openTopic();
    await projected.appendTariffs(5);
    projected.projection = await startProjection(
      createKafka(testKafka('projector', { clientId: 'ledger-test-projector' })),
      projected.ledger.db.poolAs('ledger_projector'),
      { groupId: projected.groupId, topic: projected.ledger.topic, partitions: 3 },
    );
    await projected.projected();
    return projected;
  }

  /** New tariff measures of two events each, published to the topic. */
  async appendTariffs(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      this.streams += 1;
      await this.ledger.appendTariff(`tariff-in-place-${this.streams}`, 2);
    }
    await this.ledger.publish();
  }

  /** Waits until the live read models hold every journal event. */
  async projected(): Promise<Reading> {
    const journal = (await this.ledger.events()).length;
    return eventually(async () => {
      const reading = await known(this.ledger.db.pool);
      expect(reading).toEqual({ events: journal, measures: this.streams });
      return reading;
    });
  }

  rebuild(options: Partial<InPlaceOptions> = {}) {
    return rebuildInPlace(this.auditorKafka, this.ledger.topic, this.ledger.db.url, {
      liveGroupId: this.groupId,
      verify: true,
      switch: true,
      dropOld: false,
      ...options,
    });
  }

  /** The checksums of a fresh database with every journal event applied. */
  async freshChecksums() {
    const fresh = await createTestDatabase();
    try {
      await projectInto(fresh, await this.ledger.events());
      return await readModelChecksums(fresh.pool);
    } finally {
      await fresh.drop();
    }
  }

  /** The live projector leaves the group and stands where it stored its offsets. */
  async stopProjecting(): Promise<void> {
    await this.projection.stop();
  }

  async close(): Promise<void> {
    await this.projection.stop();
    await this.ledger.close();
  }
}

async function withProjectedLedger(test: (projected: ProjectedLedger) => Promise<void>): Promise<void> {
  const projected = await ProjectedLedger.create();
  try {
    await test(projected);
  } finally {
    await projected.close();
  }
}

describe('auditor rebuild --in-place', () => {
  it(
    'rebuilds beside the live read models while they answer and the projector projects, switches at once, and the projector goes on with the new ones',
    () =>
      withProjectedLedger(async (projected) => {
        const { db } = projected.ledger;
        const before = await known(db.pool);
        const reader = db.poolAs('ledger_writer');
        const preparedConnection = await reader.connect();
        const readers = new Readers(reader, preparedConnection);
        const phases: InPlacePhase[] = [];
        let readingsAtSwitch = 0;
        try {
          const report = await projected.rebuild({
            onPhase: async (phase) => {
              phases.push(phase);
              // Events appended and projected into the live read models while the new ones are
              // built: the locked catch-up must bring them over.
              if (phase === 'built') {
                await projected.appendTariffs(2);
                await projected.projected();
              }
              // Events published while the projection lock is held: the projector applies
              // them after the switch, to the new read models.
              if (phase === 'caught-up') {
                await projected.appendTariffs(1);
                readingsAtSwitch = readers.readings.length;
              }
            },
          });
          expect(phases).toEqual(['built', 'caught-up']);
          expect(report).toMatchObject({
            verified: true,
            switched: true,
            differences: [],
            droppedOld: false,
          });

          const after = await projected.projected();
          // Reads keep going after the switch too.
          await eventually(() => expect(readers.readings.length).toBeGreaterThan(readingsAtSwitch + 20));
          await readers.stop();

          expect(readers.errors).toEqual([]);
          expect(readers.readings.length).toBeGreaterThan(50);
          // Never a half-built model: every answer holds at least what was there before, and no
          // answer knows less than an earlier one of the same reader did not.
          for (const reading of readers.readings) {
            expect(reading.events).toBeGreaterThanOrEqual(before.events);
            expect(reading.measures).toBeGreaterThanOrEqual(before.measures);
            expect(reading.events).toBeLessThanOrEqual(after.events);
          }
          // The named prepared statement, prepared on the old tables, reads the new ones: the
          // server plans it again after the rename and resolves read_models.… afresh.
          expect((await readers.readPrepared()).rows[0]).toEqual(after);
          // The old read models stopped at the switch: the last event reached only the new ones.
          const previous = await known(db.pool, PREVIOUS_SCHEMA);
          expect(previous.events).toBeLessThan(after.events);

          // Exactly once: the live read models equal a fresh projection of the whole journal.
          expect(await readModelChecksums(db.pool)).toEqual(await projected.freshChecksums());

          // Made from the live tables' DDL, with the same owner and grants.
          const shape = async (schema: string) =>
            (await db.pool.query<Record<string, string>>(SHAPE, [schema])).rows;
          expect(await shape('read_models')).toEqual(await shape(PREVIOUS_SCHEMA));
          expect((await db.pool.query(SCHEMA_GRANTS, ['read_models'])).rows).toEqual(
            (await db.pool.query(SCHEMA_GRANTS, [PREVIOUS_SCHEMA])).rows,
          );
          expect(await schemaPresent(db.pool, NEXT_SCHEMA)).toBe(false);
          expect(await schemaPresent(db.pool, NEXT_BOOKKEEPING_SCHEMA)).toBe(false);

          // A second rebuild waits for the replaced read models to be dropped; --drop-old does.
          await expect(projected.rebuild()).rejects.toThrow(/drop them first/);
          await db.pool.query(`DROP SCHEMA ${PREVIOUS_SCHEMA} CASCADE`);
          const again = await projected.rebuild({ dropOld: true });
          expect(again).toMatchObject({ switched: true, droppedOld: true });
          expect(await schemaPresent(db.pool, PREVIOUS_SCHEMA)).toBe(false);
          await projected.appendTariffs(1);
          await projected.projected();
          expect(await readModelChecksums(db.pool)).toEqual(await projected.freshChecksums());
        } finally {
          await readers.stop();
          preparedConnection.release();
        }
      }),
    TIMEOUT,
  );

  it(
    'a run that dies midway leaves the live read models as they were, one that finds a difference does not switch, and a re-run switches',
    () =>
      withProjectedLedger(async (projected) => {
        const { db } = projected.ledger;
        const oidOf = async () =>
          (await db.pool.query<{ oid: number }>(`SELECT 'read_models'::regnamespace::oid AS oid`)).rows[0]
            .oid;
        const liveSchema = await oidOf();
        const checksums = await readModelChecksums(db.pool);

        await expect(
          projected.rebuild({
            onPhase: (phase) => {
              if (phase === 'built') throw new Error('killed');
            },
          }),
        ).rejects.toThrow('killed');
        expect(await oidOf()).toBe(liveSchema);
        expect(await readModelChecksums(db.pool)).toEqual(checksums);
        expect(await schemaPresent(db.pool, NEXT_SCHEMA)).toBe(true);
        // The projection lock went with the run: the projector goes on.
        await projected.appendTariffs(1);
        await projected.projected();

        // A live table changed behind the projector's back: the rebuild differs and is not switched.
        await db.pool.query(
          `UPDATE read_models.measures SET title = 'tampered' WHERE measure_id = 'tariff-in-place-1'`,
        );
        const refused = await projected.rebuild();
        expect(refused.switched).toBe(false);
        expect(refused.differences.map(({ table }) => table)).toEqual(['read_models.measures']);
        expect(await oidOf()).toBe(liveSchema);

        // Without the check the rebuild repairs it.
        const repaired = await projected.rebuild({ verify: false });
        expect(repaired).toMatchObject({ switched: true, verified: false });
        expect(await oidOf()).not.toBe(liveSchema);
        await projected.appendTariffs(1);
        await projected.projected();
        expect(await readModelChecksums(db.pool)).toEqual(await projected.freshChecksums());
      }),
    TIMEOUT,
  );
  it(
    'refuses at once, and leaves the live read models alone, when the live projector stands past the end of a re-created topic',
    () =>
      withProjectedLedger(async (projected) => {
        const { db, topic } = projected.ledger;
        await projected.stopProjecting();
        const checksums = await readModelChecksums(db.pool);
        await deleteEventTopic(createKafka(testKafka('admin', { clientId: 'ledger-test' })), topic);
        await eventually(() => createEventTopic(topic, 3), { timeoutMs: 60_000 });

        await expect(projected.rebuild()).rejects.toThrow(
          /past the end of .*: the topic was re-created or the broker replaced/,
        );
        expect(await readModelChecksums(db.pool)).toEqual(checksums);
        expect(await schemaPresent(db.pool, PREVIOUS_SCHEMA)).toBe(false);
      }),
    TIMEOUT,
  );
});
