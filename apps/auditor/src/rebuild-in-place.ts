import { performance } from 'node:perf_hooks';
import { Client, Pool, type ClientConfig, type PoolClient } from 'pg';
import { TopicInstances, readTopicRanges, topicWatermarks, type Kafka } from '@ledger/messaging';
import { PROJECTION_LOCK, projectBatch } from '@ledger/projection';
import { readModelChecksums } from '@ledger/read-models';
import { differences, type TableDifference } from './diff';

/** Where the new read models are built; renamed to LIVE_SCHEMA by the switch. */
export const NEXT_SCHEMA = 'read_models_next';
/** The read models a switch replaced, kept until `auditor drop-old-read-models`. */
export const PREVIOUS_SCHEMA = 'read_models_previous';
/** The rebuild's own offsets and dead letters, beside the projector's; dropped after the switch. */
export const NEXT_BOOKKEEPING_SCHEMA = 'projector_next';
const LIVE_SCHEMA = 'read_models';
const BOOKKEEPING_SCHEMA = 'projector';

/**
 * `read_models.` and `projector.` (quoted or not) as the ledger's SQL names its tables. Every
 * statement of the read models and the projection names them schema-qualified, so naming the
 * side schemas instead runs the projector's own statements against them, unchanged otherwise.
 */
const LIVE_SCHEMA_PREFIX = /(?<![\w$".])("?)(read_models|projector)\1\./g;

function intoSideSchemas(text: string): string {
  return text.replace(
    LIVE_SCHEMA_PREFIX,
    (_prefix, _quote, schema: string) => `${schema === LIVE_SCHEMA ? NEXT_SCHEMA : NEXT_BOOKKEEPING_SCHEMA}.`,
  );
}

/** A client whose statements name the side schemas wherever they name the live ones. */
class SideSchemaClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((statement: unknown, ...rest: unknown[]) => {
      if (typeof statement === 'string') return query(intoSideSchemas(statement), ...rest);
      if (typeof statement === 'object' && statement !== null && 'text' in statement) {
        const { text } = statement;
        if (typeof text === 'string') return query({ ...statement, text: intoSideSchemas(text) }, ...rest);
      }
      return query(statement, ...rest);
    }) as Client['query'];
  }
}

const LOCK_PROJECTION = `SELECT pg_advisory_lock(${PROJECTION_LOCK})`;
const UNLOCK_PROJECTION = `SELECT pg_advisory_unlock(${PROJECTION_LOCK})`;
/** One in-place rebuild at a time: both would build into the same side schemas. */
const LOCK_REBUILD = `SELECT pg_try_advisory_lock(hashtextextended('ledger-rebuild-in-place', 0)) AS locked`;

/** How many offsets of a partition are read (and projected) at a time. */
const CHUNK = 10_000n;

/**
 * How long the switch waits for reads under way on the live tables before it lets go and tries
 * again. Shorter than the server's deadlock_timeout (1 s by default): a read that locked one
 * table and waits on another the switch holds is never made a deadlock victim, because the
 * switch gives its locks up first. New reads queue behind the switch for at most this long.
 */
const SWITCH_LOCK_TIMEOUT = '200ms';
const SWITCH_ATTEMPTS = 25;
/** lock_not_available (the timeout above) and deadlock_detected: nothing renamed, try again. */
const SWITCH_RETRY_CODES = new Set(['55P03', '40P01']);

const SCHEMA_EXISTS = 'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present';

/** What LIKE … INCLUDING ALL does not copy, and so a schema may not hold to be rebuilt in place. */
const UNCOPIED_OBJECTS = `
  SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('v', 'm', 'f')
  UNION ALL
  SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
  UNION ALL
  SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal
  UNION ALL
  SELECT con.conname FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
  WHERE n.nspname = $1 AND con.contype = 'f'`;

const TABLES_OF = `
  SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`;

/** The owner and every grant of a schema and its tables, as statements for the copy. */
const PRIVILEGES_OF = `
  SELECT format('ALTER SCHEMA %I OWNER TO %I', $2::text, pg_get_userbyid(n.nspowner)) AS statement, 0 AS step
  FROM pg_namespace n WHERE n.nspname = $1
  UNION ALL
  SELECT format('ALTER TABLE %I.%I OWNER TO %I', $2::text, c.relname, pg_get_userbyid(c.relowner)), 0
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  UNION ALL
  SELECT format('GRANT %s ON SCHEMA %I TO %s%s', a.privilege_type, $2::text,
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
           CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END), 1
  FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = $1 AND a.grantee <> n.nspowner
  UNION ALL
  SELECT format('GRANT %s ON TABLE %I.%I TO %s%s', a.privilege_type, $2::text, c.relname,
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
           CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END), 1
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.grantee <> c.relowner
  ORDER BY step`;

/**
 * LIKE names the indexes it copies after their columns; the live ones' names are what later
 * migrations name, so each copy is renamed after the live index of the same definition.
 */
const INDEX_RENAMES = `
  WITH definitions AS (
    SELECT n.nspname AS schema, t.relname AS table_name, i.relname AS index_name,
           regexp_replace(pg_get_indexdef(i.oid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', '') AS definition,
           x.indisunique AS is_unique
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname IN ($1, $2))
  SELECT side.index_name AS side_name, live.index_name AS live_name
  FROM definitions live JOIN definitions side
    ON side.table_name = live.table_name AND side.definition = live.definition AND side.is_unique = live.is_unique
  WHERE live.schema = $1 AND side.schema = $2 AND side.index_name <> live.index_name`;

/** Where a group stands in each partition: its current topic instance and next offset. */
const CURRENT_OFFSETS = `
  SELECT DISTINCT ON (partition) partition, topic_instance::text AS topic_instance,
         next_offset::text AS next_offset
  FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2
  ORDER BY partition, confirmed_at DESC, topic_instance`;

/** A run refused before it changed anything: exit code 3, like any other "could not". */
export class InPlaceRebuildRefused extends Error {}

export type InPlacePhase = 'built' | 'caught-up';

export interface InPlaceOptions {
  /** The live projector's consumer group (PROJECTOR_GROUP_ID): the offsets the new read models must reach. */
  readonly liveGroupId: string;
  /** Compare every table's checksum with the live one's before switching; refuse on a difference. */
  readonly verify: boolean;
  /** Make the new read models the live ones; without it they stay in NEXT_SCHEMA to be looked at. */
  readonly switch: boolean;
  /** After the switch, drop the replaced read models at once. */
  readonly dropOld: boolean;
  /** The live projector's PROJECTOR_MAX_RECORD_BYTES: a record it sets aside, the rebuild sets aside too. */
  readonly maxRecordBytes?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called when a phase is over (after the unlocked build, after the locked catch-up). */
  readonly onPhase?: (phase: InPlacePhase) => Promise<void> | void;
}

export interface InPlaceReport {
  readonly records: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** The live projector's next offset per partition when the switch (or the check) was made. */
  readonly caughtUpTo: Readonly<Record<string, string>>;
  /** How long projector batches were held back for the catch-up, the check and the switch. */
  readonly projectionPausedMs: number;
  /** The tables whose checksums differ from the live ones' (empty when not verified or equal). */
  readonly differences: readonly TableDifference[];
  readonly verified: boolean;
  readonly switched: boolean;
  readonly droppedOld: boolean;
}

interface LivePosition {
  readonly topicInstance: string;
  readonly nextOffset: bigint;
}

async function livePositions(
  db: PoolClient,
  groupId: string,
  topic: string,
): Promise<Map<number, LivePosition>> {
  const { rows } = await db.query<{ partition: number; topic_instance: string; next_offset: string }>(
    CURRENT_OFFSETS,
    [groupId, topic],
  );
  return new Map(
    rows.map((row) => [
      row.partition,
      { topicInstance: row.topic_instance, nextOffset: BigInt(row.next_offset) },
    ]),
  );
}

async function schemaExists(db: PoolClient, schema: string): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(SCHEMA_EXISTS, [schema]);
  return rows[0].present;
}

async function renameIndexesAfter(db: PoolClient, from: string, to: string): Promise<void> {
  const { rows } = await db.query<{ side_name: string; live_name: string }>(INDEX_RENAMES, [from, to]);
  if (new Set(rows.map((row) => row.side_name)).size < rows.length) {
    throw new InPlaceRebuildRefused(`${from} has two indexes of the same definition on one table`);
  }
  for (const { side_name: side, live_name: live } of rows) {
    await db.query(`ALTER INDEX ${to}."${side}" RENAME TO "${live}"`);
  }
}

/** Copies the owner and grants of `from` and its tables onto `to`, whose tables have the same names. */
async function copyPrivileges(db: PoolClient, from: string, to: string): Promise<void> {
  const { rows } = await db.query<{ statement: string }>(PRIVILEGES_OF, [from, to]);
  for (const { statement } of rows) await db.query(statement);
}

/**
 * Empty side schemas whose tables are made LIKE the live ones INCLUDING ALL (columns with their
 * types, collations, defaults, identity and generated expressions; checks, keys and indexes):
 * the live tables are what the migrations made, so the copy cannot drift from them. Leftovers of
 * an interrupted run are dropped first.
 */
async function prepareSideSchemas(db: PoolClient): Promise<void> {
  if (await schemaExists(db, PREVIOUS_SCHEMA)) {
    throw new InPlaceRebuildRefused(
      `${PREVIOUS_SCHEMA} still holds the read models an earlier rebuild replaced; drop them first (auditor drop-old-read-models)`,
    );
  }
  for (const schema of [LIVE_SCHEMA, BOOKKEEPING_SCHEMA]) {
    const { rows } = await db.query<{ name: string }>(UNCOPIED_OBJECTS, [schema]);
    if (rows.length > 0) {
      throw new InPlaceRebuildRefused(
        `${schema} holds objects a rebuild in place does not copy (${rows.map((row) => row.name).join(', ')})`,
      );
    }
  }
  await db.query('BEGIN');
  try {
    for (const [live, side] of [
      [LIVE_SCHEMA, NEXT_SCHEMA],
      [BOOKKEEPING_SCHEMA, NEXT_BOOKKEEPING_SCHEMA],
    ]) {
      await db.query(`DROP SCHEMA IF EXISTS ${side} CASCADE`);
      await db.query(`CREATE SCHEMA ${side}`);
      const { rows } = await db.query<{ name: string }>(TABLES_OF, [live]);
      for (const { name } of rows) {
        await db.query(`CREATE TABLE ${side}."${name}" (LIKE ${live}."${name}" INCLUDING ALL)`);
      }
      await renameIndexesAfter(db, live, side);
      await copyPrivileges(db, live, side);
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

/**
 * The atomic switch: renaming both schemas in one transaction, so every statement that starts
 * after the commit names the new tables and every one before it the old ones. The ACCESS
 * EXCLUSIVE locks wait for reads under way on the old tables (a transaction that read them sees
 * them to its end) and hold new ones back for the instant of the rename; those resolve
 * `read_models.…` again once they get the lock, and so reach the new tables. Without them a
 * statement could resolve one table before the commit and another after it.
 */
/**
 * Renames the side read models into place. Once the live tables are locked (no projector batch
 * can write them), the live projector's offsets must still be `caughtUp`: were they not, the
 * projection lock was lost on the way (its session ended) and the new read models would lack
 * what the projector applied meanwhile, for good — so the switch is refused.
 */
async function switchSchemas(
  db: PoolClient,
  live: {
    readonly groupId: string;
    readonly topic: string;
    readonly caughtUp: ReadonlyMap<number, LivePosition>;
  },
): Promise<void> {
  const { rows } = await db.query<{ name: string }>(TABLES_OF, [LIVE_SCHEMA]);
  const tables = rows.map(({ name }) => `${LIVE_SCHEMA}."${name}"`).join(', ');
  for (let attempt = 1; ; attempt++) {
    await db.query('BEGIN');
    try {
      await db.query(`SET LOCAL lock_timeout = '${SWITCH_LOCK_TIMEOUT}'`);
      await db.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
      const now = await livePositions(db, live.groupId, live.topic);
      const moved = [...now].filter(
        ([partition, { nextOffset }]) => live.caughtUp.get(partition)?.nextOffset !== nextOffset,
      );
      if (moved.length > 0 || now.size !== live.caughtUp.size) {
        throw new InPlaceRebuildRefused(
          `the live projector moved on during the catch-up (partition ${moved.map(([partition]) => partition).join(', ') || 'set changed'}): the projection lock was lost; nothing was switched, run it again`,
        );
      }
      await db.query(`ALTER SCHEMA ${LIVE_SCHEMA} RENAME TO ${PREVIOUS_SCHEMA}`);
      await db.query(`ALTER SCHEMA ${NEXT_SCHEMA} RENAME TO ${LIVE_SCHEMA}`);
      await db.query('COMMIT');
      return;
    } catch (error) {
      await db.query('ROLLBACK');
      if (error instanceof InPlaceRebuildRefused) throw error;
      const code = (error as { code?: string }).code ?? '';
      if (!SWITCH_RETRY_CODES.has(code) || attempt >= SWITCH_ATTEMPTS) throw error;
    }
  }
}

/** Drops the read models a switch replaced. Reads name `read_models`, so none reaches them any more. */
export async function dropPreviousReadModels(db: PoolClient | Pool): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(SCHEMA_EXISTS, [PREVIOUS_SCHEMA]);
  if (!rows[0].present) return false;
  await db.query(`DROP SCHEMA ${PREVIOUS_SCHEMA} CASCADE`);
  return true;
}

/**
 * Rebuilds the read models from the topic into side schemas of the live database while the live
 * ones keep answering and the projector keeps projecting, then (unless `switch` is off) makes
 * them the live ones in one transaction.
 *
 * The new read models are projected with the projector's own batch code, partition by partition,
 * up to exactly where the live projector's stored offsets stand — never beyond, so they never
 * hold an event the live ones lack. The last stretch, the check and the switch run under the
 * projection lock held exclusively: no projector batch that applies events runs meanwhile, so the
 * new read models describe exactly the offsets the projector has stored, and its next batch —
 * resolving `read_models.…` after the switch — continues on them. The projector's bookkeeping
 * (offsets, dead letters) is of the records, not of one copy of the read models, and stays.
 *
 * `url`: the live database as a role that may create schemas and owns the read models' (the
 * superuser the migrations connect as).
 */
/**
 * Refuses live offsets past the end of the topic as it stands now: the topic was re-created or
 * the broker replaced and the projector has not moved to the new topic instance yet. Reading up
 * to such offsets would wait for records that will never come (under the projection lock, in the
 * catch-up, holding the live projector back with it).
 */
async function assertWithinTopic(
  kafka: Kafka,
  topic: string,
  target: ReadonlyMap<number, LivePosition>,
): Promise<void> {
  const marks = await topicWatermarks(kafka, topic);
  for (const [partition, { nextOffset, topicInstance }] of target) {
    const high = marks.get(partition)?.high;
    if (high === undefined || nextOffset > high) {
      throw new InPlaceRebuildRefused(
        `partition ${partition}: the live projector stands at offset ${nextOffset} of topic instance ${topicInstance}, past the end of ${topic} (${high ?? 'no such partition'}): the topic was re-created or the broker replaced; run it again once the projector has moved to the current topic instance`,
      );
    }
  }
}

export async function rebuildInPlace(
  kafka: Kafka,
  topic: string,
  url: string,
  { liveGroupId, verify, switch: switchOver, dropOld, maxRecordBytes, onProgress, onPhase }: InPlaceOptions,
): Promise<InPlaceReport> {
  const live = new Pool({ connectionString: url, max: 2, application_name: 'ledger-auditor-rebuild' });
  // ONE connection, kept however long it idles: for the catch-up it holds the projection lock
  // in its session, and the projector's batch code it runs takes the same lock again for each
  // transaction, which a session may do on a lock it holds (from any other it would wait).
  const side = new Pool({
    connectionString: url,
    max: 1,
    idleTimeoutMillis: 0,
    application_name: 'ledger-auditor-rebuild',
    Client: SideSchemaClient,
  });
  // One session holds the run's lock: it goes with it if the run is killed, and nothing the run
  // did before the switch touched the live read models.
  const holder = await live.connect();
  try {
    const { rows } = await holder.query<{ locked: boolean }>(LOCK_REBUILD);
    if (!rows[0].locked) throw new InPlaceRebuildRefused('another rebuild in place is running');
    await prepareSideSchemas(holder);

    const groupId = `ledger-auditor-rebuild-${Date.now()}`;
    const tally = { records: 0, applied: 0, duplicates: 0, deadLettered: 0 };
    /** Per partition: where the side read models' stored offset is, and where reading goes on. */
    const progress = new Map<number, { stored: bigint; read: bigint }>();

    // What the projector learnt of each partition's start, kept across batches as it keeps it.
    const instances = new TopicInstances();
    const projectUpTo = async (target: ReadonlyMap<number, LivePosition>): Promise<void> => {
      await assertWithinTopic(kafka, topic, target);
      const total = Number([...target.values()].reduce((sum, { nextOffset }) => sum + nextOffset, 0n));
      for (;;) {
        const ranges = new Map<number, { from: bigint; to: bigint }>();
        for (const [partition, { nextOffset }] of target) {
          const from = progress.get(partition)?.read ?? 0n;
          if (from < nextOffset)
            ranges.set(partition, { from, to: from + CHUNK < nextOffset ? from + CHUNK : nextOffset });
        }
        if (ranges.size === 0) return;
        const read = await readTopicRanges(kafka, topic, ranges, { groupPrefix: 'ledger-auditor-rebuild' });
        for (const [partition, { to }] of ranges) {
          const stored = progress.get(partition)?.stored ?? 0n;
          const records = read.get(partition) ?? [];
          // A stretch of transaction markers alone holds nothing to project; reading goes on.
          if (records.length === 0) {
            progress.set(partition, { stored, read: to });
            continue;
          }
          const answer = await projectBatch(
            side,
            {
              groupId,
              topic,
              partition,
              fetchedOffset: stored.toString(),
              nextOffset: to.toString(),
              records,
            },
            { instances, limits: { maxValueBytes: maxRecordBytes } },
          );
          if (answer.outcome === 'rewind') {
            throw new Error(`partition ${partition}: ${answer.reason}; the topic cannot be rebuilt from`);
          }
          const { result } = answer;
          tally.records += records.length - result.redelivered;
          tally.applied += result.applied;
          tally.duplicates += result.duplicates;
          tally.deadLettered += Object.values(result.deadLettered).reduce((sum, count) => sum + count, 0);
          progress.set(partition, { stored: to, read: to });
          onProgress?.(tally.records, total);
        }
      }
    };
    // Twice without the lock: the second pass takes what the projector did during the first,
    // so the locked catch-up is short.
    await projectUpTo(await livePositions(holder, liveGroupId, topic));
    await projectUpTo(await livePositions(holder, liveGroupId, topic));
    await onPhase?.('built');

    await side.query(LOCK_PROJECTION);
    const paused = performance.now();
    let found: TableDifference[] = [];
    let target: Map<number, LivePosition>;
    try {
      target = await livePositions(holder, liveGroupId, topic);
      await projectUpTo(target);
      await onPhase?.('caught-up');
      const sideClient = await side.connect();
      try {
        // Read through the side connection: the rebuild's own offsets, in projector_next.
        const { rows } = await sideClient.query<{ partition: number; topic_instance: string }>(
          CURRENT_OFFSETS,
          [groupId, topic],
        );
        const rebuilt = new Map(rows.map((row) => [row.partition, row.topic_instance]));
        for (const [partition, { topicInstance, nextOffset }] of target) {
          const instance = rebuilt.get(partition);
          if (nextOffset > 0n && instance !== topicInstance) {
            throw new InPlaceRebuildRefused(
              `partition ${partition}: the live projector reads topic instance ${topicInstance}, the rebuild read ${instance ?? 'none'}; run it again once the projector has moved to the current instance`,
            );
          }
        }
        if (verify)
          found = differences(await readModelChecksums(holder), await readModelChecksums(sideClient));
      } finally {
        sideClient.release();
      }
      if (found.length === 0 && switchOver) {
        await switchSchemas(holder, { groupId: liveGroupId, topic, caughtUp: target });
      }
    } finally {
      await side.query(UNLOCK_PROJECTION);
    }
    const projectionPausedMs = Math.round(performance.now() - paused);
    const switched = found.length === 0 && switchOver;
    if (switched) await holder.query(`DROP SCHEMA ${NEXT_BOOKKEEPING_SCHEMA} CASCADE`);
    const droppedOld = switched && dropOld ? await dropPreviousReadModels(holder) : false;
    return {
      ...tally,
      caughtUpTo: Object.fromEntries(
        [...target].map(([partition, { nextOffset }]) => [partition, nextOffset.toString()]),
      ),
      projectionPausedMs,
      differences: found,
      verified: verify,
      switched,
      droppedOld,
    };
  } finally {
    // Destroyed, not returned to the pool: its session locks end with it.
    holder.release(true);
    await Promise.all([live.end(), side.end()]);
  }
}
