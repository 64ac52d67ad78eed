import type { Pool, PoolClient } from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The Postgres schema that holds a subscriber's checkpoint; a plain lower-case identifier. */
export function checkedSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`subscriber schema ${JSON.stringify(schema)} is not a plain lower-case identifier`);
  }
  return schema;
}

/**
 * The checkpoint tables of subscribers in `schema`: per topic instance and partition the next
 * offset to read, and per stream the last version and hash seen. Idempotent. An app that runs
 * its own migrations may hold the same statements in one of them instead.
 */
export function subscriberTablesSql(schema: string): string {
  const s = checkedSchema(schema);
  return `
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.subscriber_offsets (
      subscriber text NOT NULL,
      topic text NOT NULL,
      topic_instance uuid NOT NULL,
      partition integer NOT NULL CHECK (partition >= 0),
      next_offset bigint NOT NULL CHECK (next_offset >= 0),
      confirmed_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscriber, topic, topic_instance, partition)
    );
    CREATE TABLE IF NOT EXISTS ${s}.subscriber_streams (
      subscriber text NOT NULL,
      stream_id text NOT NULL,
      stream_version integer NOT NULL CHECK (stream_version >= 1),
      hash text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscriber, stream_id)
    );`;
}

/** Creates the checkpoint tables in `schema` when missing. */
export async function installSubscriberTables(pool: Pool | PoolClient, schema = 'subscriber'): Promise<void> {
  await pool.query(subscriberTablesSql(schema));
}
