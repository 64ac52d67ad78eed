-- Up Migration
-- The product codes of tariff measures in valid time: the creation's listed and excluded codes
-- (valid_from null) and each TariffProductsAmended's changes from its valid_from on. op 'add' and
-- 'remove' change the listed codes ("lines"), 'exclude' and 'reinclude' the exclusions; at T a
-- code's standing is the op of its latest row (by version; within one event 'remove' before
-- 'add', 'reinclude' before 'exclude') in force by T and known at K, counting only rows from the
-- measure's latest-known creation on.
CREATE TABLE read_models.product_codes (
  measure_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  op text NOT NULL CHECK (op IN ('add', 'remove', 'exclude', 'reinclude')),
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  event_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  valid_from timestamptz,
  code text NOT NULL,
  list text,
  description text,
  PRIMARY KEY (measure_id, version, op, ordinal),
  CHECK (op = 'exclude' OR (list IS NULL AND description IS NULL))
);
CREATE INDEX product_codes_by_event ON read_models.product_codes (event_id);

-- Owned by ledger_owner like every object of the ledger; written by the projector, read by the
-- admin API and the auditor, like the other read models.
ALTER TABLE read_models.product_codes OWNER TO ledger_owner;
GRANT SELECT ON read_models.product_codes TO ledger_writer, ledger_auditor;
GRANT SELECT, INSERT, UPDATE ON read_models.product_codes TO ledger_projector;

-- Down Migration
DROP TABLE IF EXISTS read_models.product_codes;
