-- Up Migration
-- Bitemporal read models (docs/architecture.md §5). Every row is the effect of one event and keeps
-- that event's recorded_at and, once a retraction is known, the retraction's recorded_at in
-- retracted_at. A view "as of T, known at K" reads the rows with
--   recorded_at <= K AND (retracted_at IS NULL OR retracted_at > K)
-- and evaluates their valid-time columns at T. Rows are only ever added (retracted_at aside),
-- so any past K can be replayed. Instants are half-open [valid_from, valid_to), null = open.

-- Every projected event: the global feed by position and each stream's history.
CREATE TABLE read_models.events (
  position bigint PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  stream_id text NOT NULL,
  stream_type text NOT NULL,
  stream_version integer NOT NULL CHECK (stream_version >= 1),
  type text NOT NULL,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  envelope jsonb NOT NULL,
  UNIQUE (stream_id, stream_version)
);

-- The highest version applied per stream: the projector's dedupe and gap check.
CREATE TABLE read_models.stream_versions (
  stream_id text PRIMARY KEY,
  stream_type text NOT NULL,
  version integer NOT NULL CHECK (version >= 1)
);

-- Each EventRetracted; several may name the same event, the earliest known one counts.
CREATE TABLE read_models.retractions (
  retraction_event_id uuid PRIMARY KEY,
  retracted_event_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX retractions_retracted_event ON read_models.retractions (retracted_event_id);

-- The static facts of each creating event (TariffImposed, ExportControlImposed). Normally one
-- per measure; if a creation is retracted and re-entered in the same stream, the latest known
-- one is the measure.
CREATE TABLE read_models.measures (
  measure_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  stream_type text NOT NULL CHECK (stream_type IN ('tariff-measure', 'export-control')),
  event_id uuid NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  imposer text NOT NULL,
  valid_from timestamptz NOT NULL,
  announced_at timestamptz NOT NULL,
  legal_instrument text NOT NULL,
  citation jsonb,
  -- tariff-measure
  program text,
  title text,
  targets text[],
  excluded_targets text[],
  products jsonb,
  -- 'codes': product_codes lists what is covered; 'all': excluded_codes lists what is not.
  product_scope text CHECK (product_scope IN ('all', 'codes')),
  product_codes text[],
  excluded_codes text[],
  -- export-control
  kind text CHECK (kind IN ('licence-required', 'prohibited', 'end-user-ban')),
  destinations text[],
  excluded_destinations text[],
  PRIMARY KEY (measure_id, version),
  CHECK (
    stream_type <> 'tariff-measure'
    OR (program IS NOT NULL AND title IS NOT NULL AND targets IS NOT NULL AND excluded_targets IS NOT NULL
        AND products IS NOT NULL AND product_scope IS NOT NULL AND product_codes IS NOT NULL
        AND excluded_codes IS NOT NULL)
  ),
  CHECK (
    stream_type <> 'export-control'
    OR (kind IS NOT NULL AND destinations IS NOT NULL AND excluded_destinations IS NOT NULL)
  )
);
CREATE INDEX measures_by_imposer ON read_models.measures (stream_type, imposer);
CREATE INDEX measures_by_product_code ON read_models.measures USING gin (product_codes);

-- The valid-time timelines of each measure, one row per event effect:
--   validity   the end of life set by a creation or a …ValidityChanged (valid_to; latest version wins)
--   lift       life cut from valid_from on (earliest wins)
--   rate       a rate painted on [valid_from, valid_to) (latest version covering T wins)
--   suspension a window in which the measure is not in force
CREATE TABLE read_models.timeline_entries (
  measure_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('validity', 'lift', 'rate', 'suspension')),
  version integer NOT NULL CHECK (version >= 1),
  event_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  valid_from timestamptz,
  valid_to timestamptz,
  rate numeric CHECK (rate >= 0),
  citation jsonb,
  PRIMARY KEY (measure_id, kind, version),
  CHECK ((kind = 'rate') = (rate IS NOT NULL)),
  CHECK (kind = 'validity' OR valid_from IS NOT NULL)
);
CREATE INDEX timeline_entries_by_event ON read_models.timeline_entries (event_id);

-- Items of export controls: 'add' rows (the creation's items, valid_from null, and amendment
-- additions) and 'remove' rows (amendment removals, matching every identifier they name).
CREATE TABLE read_models.control_items (
  control_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  op text NOT NULL CHECK (op IN ('add', 'remove')),
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  event_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  valid_from timestamptz,
  element text,
  control_code text,
  hs_code text,
  item jsonb NOT NULL,
  PRIMARY KEY (control_id, version, op, ordinal),
  CHECK (op = 'add' OR valid_from IS NOT NULL)
);
CREATE INDEX control_items_by_event ON read_models.control_items (event_id);
CREATE INDEX control_items_by_element ON read_models.control_items (lower(element)) WHERE op = 'add';
CREATE INDEX control_items_by_control_code ON read_models.control_items (lower(control_code)) WHERE op = 'add';
CREATE INDEX control_items_by_hs_code ON read_models.control_items (hs_code) WHERE op = 'add';

-- Licences as currently known (every non-retracted event), for listing; rebuilt per licence
-- whenever one of its events (or a retraction of one) is applied. No status column: a status
-- holds at an instant (a decision counts from when it takes effect, an approval expires), so
-- the listing works it out from read_models.events when it reads.
CREATE TABLE read_models.licences (
  -- Byte order: the list's cursor compares ids, and must agree with the index.
  licence_id text COLLATE "C" PRIMARY KEY,
  export_control_id text NOT NULL,
  destination text NOT NULL,
  summary jsonb NOT NULL
);
CREATE INDEX licences_by_export_control ON read_models.licences (export_control_id, licence_id);
CREATE INDEX licences_by_destination ON read_models.licences (destination, licence_id);

-- Down Migration
DROP TABLE IF EXISTS read_models.licences;
DROP TABLE IF EXISTS read_models.control_items;
DROP TABLE IF EXISTS read_models.timeline_entries;
DROP TABLE IF EXISTS read_models.measures;
DROP TABLE IF EXISTS read_models.retractions;
DROP TABLE IF EXISTS read_models.stream_versions;
DROP TABLE IF EXISTS read_models.events;
