-- Up Migration
-- Stacking rules (TariffStackingRulesSet) become timeline entries of their own kind: on
-- [valid_from, valid_to) the latest-recorded rules covering T say which programs the measure's
-- layer does not stack on, which it displaces, and the cap it is held to with the included programs.
ALTER TABLE read_models.timeline_entries DROP CONSTRAINT timeline_entries_kind_check;
ALTER TABLE read_models.timeline_entries
  ADD CONSTRAINT timeline_entries_kind_check
    CHECK (kind IN ('validity', 'lift', 'rate', 'suspension', 'postponement', 'withdrawal', 'points', 'stacking')),
  ADD COLUMN not_stacked_on text[],
  ADD COLUMN displaces text[],
  ADD COLUMN cap_total numeric CHECK (cap_total >= 0),
  ADD COLUMN cap_including text[],
  ADD CONSTRAINT timeline_entries_stacking_kind_check
    CHECK ((kind = 'stacking') = (not_stacked_on IS NOT NULL AND displaces IS NOT NULL)),
  ADD CONSTRAINT timeline_entries_cap_check CHECK ((cap_total IS NULL) = (cap_including IS NULL));

-- Rules already in read_models.events (version 1, the only one) are entered as the projection
-- enters them, so the way down and up again loses nothing.
INSERT INTO read_models.timeline_entries
  (measure_id, kind, version, event_id, recorded_at, retracted_at, valid_from, valid_to, citation,
   not_stacked_on, displaces, cap_total, cap_including)
SELECT e.stream_id, 'stacking', e.stream_version, e.event_id, e.recorded_at, e.retracted_at,
       (e.envelope #>> '{data,validFrom}')::timestamptz,
       (e.envelope #>> '{data,validTo}')::timestamptz,
       e.envelope -> 'citation',
       ARRAY(SELECT jsonb_array_elements_text(coalesce(e.envelope #> '{data,notStackedOn}', '[]'))),
       ARRAY(SELECT jsonb_array_elements_text(coalesce(e.envelope #> '{data,displaces}', '[]'))),
       (e.envelope #>> '{data,cap,total}')::numeric,
       CASE WHEN jsonb_typeof(e.envelope #> '{data,cap}') = 'object'
            THEN ARRAY(SELECT jsonb_array_elements_text(e.envelope #> '{data,cap,including}')) END
FROM read_models.events e
WHERE e.type = 'TariffStackingRulesSet';

-- Down Migration
DELETE FROM read_models.timeline_entries WHERE kind = 'stacking';
ALTER TABLE read_models.timeline_entries
  DROP CONSTRAINT timeline_entries_cap_check,
  DROP CONSTRAINT timeline_entries_stacking_kind_check,
  DROP COLUMN cap_including,
  DROP COLUMN cap_total,
  DROP COLUMN displaces,
  DROP COLUMN not_stacked_on,
  DROP CONSTRAINT timeline_entries_kind_check;
ALTER TABLE read_models.timeline_entries
  ADD CONSTRAINT timeline_entries_kind_check
    CHECK (kind IN ('validity', 'lift', 'rate', 'suspension', 'postponement', 'withdrawal', 'points'));
