-- Up Migration
-- API keys are stored only as SHA-256 digests: keys are long random strings, so a fast digest is
-- enough (as for GitHub tokens) and a leaked table reveals no key.
CREATE SCHEMA IF NOT EXISTS access;

CREATE TABLE access.api_keys (
  key_id      text PRIMARY KEY,
  key_hash    text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  role        text NOT NULL CHECK (role IN ('admin', 'reader', 'auditor')),
  label       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Down Migration
DROP SCHEMA access CASCADE;
