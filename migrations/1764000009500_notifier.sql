-- Up Migration
-- The notifier: an internal subscriber that delivers events to registered webhooks (Standard
-- Webhooks). Its tables sit in a schema of their own, which no ledger role reads or writes; the
-- ledger's tables are untouched. Its subscriber checkpoint (libs/subscriber) is here too, so the
-- deliveries an event makes and the checkpoint that says it was seen commit together.
CREATE SCHEMA notifier;

CREATE TABLE notifier.webhooks (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  -- `whsec_` and the base64 of the 32-byte signing key: the notifier signs with it, so it is kept.
  secret text NOT NULL,
  -- What the webhook watches; an empty list does not filter. All the lists given must match.
  event_types text[] NOT NULL DEFAULT '{}',
  hs_codes text[] NOT NULL DEFAULT '{}',
  elements text[] NOT NULL DEFAULT '{}',
  imposers text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- What a stream's opening events said about it, for matching its later events (a rate change
-- names no imposer nor products).
CREATE TABLE notifier.stream_facts (
  stream_id text PRIMARY KEY,
  imposer text,
  -- A measure on all products concerns every HS code.
  all_products boolean NOT NULL DEFAULT false,
  hs_codes text[] NOT NULL DEFAULT '{}',
  elements text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE notifier.deliveries (
  id uuid PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES notifier.webhooks (id) ON DELETE CASCADE,
  -- The Standard Webhooks message id (`webhook-id`): the same for every attempt and replay.
  message_id text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  -- The exact bytes signed and sent.
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  replay_of uuid REFERENCES notifier.deliveries (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
-- One delivery per webhook and event (replays aside).
CREATE UNIQUE INDEX deliveries_once ON notifier.deliveries (webhook_id, event_id) WHERE replay_of IS NULL;
CREATE INDEX deliveries_due ON notifier.deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_of_webhook ON notifier.deliveries (webhook_id, created_at);

CREATE TABLE notifier.delivery_attempts (
  delivery_id uuid NOT NULL REFERENCES notifier.deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  -- The receiver's HTTP status; null when no answer came (refused, timed out).
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- The subscriber checkpoint, as libs/subscriber's subscriberTablesSql('notifier') makes it.
CREATE TABLE notifier.subscriber_offsets (
  subscriber text NOT NULL,
  topic text NOT NULL,
  topic_instance uuid NOT NULL,
  partition integer NOT NULL CHECK (partition >= 0),
  next_offset bigint NOT NULL CHECK (next_offset >= 0),
  confirmed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscriber, topic, topic_instance, partition)
);
CREATE TABLE notifier.subscriber_streams (
  subscriber text NOT NULL,
  stream_id text NOT NULL,
  stream_version integer NOT NULL CHECK (stream_version >= 1),
  hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscriber, stream_id)
);

ALTER SCHEMA notifier OWNER TO ledger_owner;
ALTER TABLE notifier.webhooks OWNER TO ledger_owner;
ALTER TABLE notifier.stream_facts OWNER TO ledger_owner;
ALTER TABLE notifier.deliveries OWNER TO ledger_owner;
ALTER TABLE notifier.delivery_attempts OWNER TO ledger_owner;
ALTER TABLE notifier.subscriber_offsets OWNER TO ledger_owner;
ALTER TABLE notifier.subscriber_streams OWNER TO ledger_owner;

-- Down Migration
DROP SCHEMA notifier CASCADE;
