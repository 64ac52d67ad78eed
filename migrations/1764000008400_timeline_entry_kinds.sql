-- Up Migration
-- Postponements, withdrawals and point suspensions become timeline entries, planned from the
-- upcast event like the other kinds, so the views read them through the (measure_id, kind,
-- version) key instead of scanning each stream's recorded envelopes. Events projected before
-- are entered from read_models.events, which keeps every event as recorded (version 1 of these
-- three types, the only one so far).
ALTER TABLE read_models.timeline_entries DROP CONSTRAINT timeline_entries_kind_check;
ALTER TABLE read_models.timeline_entries
  ADD CONSTRAINT timeline_entries_kind_check
    CHECK (kind IN ('validity', 'lift', 'rate', 'suspension', 'postponement', 'withdrawal', 'points')),
  ADD COLUMN points numeric CHECK (points > 0),
  ADD COLUMN provision text,
  ADD COLUMN reason text,
  ADD CONSTRAINT timeline_entries_points_kind_check CHECK ((kind = 'points') = (points IS NOT NULL));

INSERT INTO read_models.timeline_entries
  (measure_id, kind, version, event_id, recorded_at, retracted_at, valid_from, valid_to, citation,
   points, provision, reason)
SELECT e.stream_id,
       CASE e.type WHEN 'TariffPostponed' THEN 'postponement'
                   WHEN 'TariffWithdrawn' THEN 'withdrawal'
                   ELSE 'points' END,
       e.stream_version, e.event_id, e.recorded_at, e.retracted_at,
       (CASE e.type WHEN 'TariffWithdrawn' THEN e.envelope #>> '{data,withdrawnAt}'
                    ELSE e.envelope #>> '{data,validFrom}' END)::timestamptz,
       (CASE e.type WHEN 'TariffPointsSuspended' THEN e.envelope #>> '{data,validTo}' END)::timestamptz,
       e.envelope -> 'citation',
       (e.envelope #>> '{data,points}')::numeric,
       e.envelope #>> '{data,provision}',
       e.envelope #>> '{data,reason}'
FROM read_models.events e
WHERE e.type IN ('TariffPostponed', 'TariffWithdrawn', 'TariffPointsSuspended');

-- Down Migration
DELETE FROM read_models.timeline_entries WHERE kind IN ('postponement', 'withdrawal', 'points');
ALTER TABLE read_models.timeline_entries
  DROP CONSTRAINT timeline_entries_points_kind_check,
  DROP COLUMN points,
  DROP COLUMN provision,
  DROP COLUMN reason,
  DROP CONSTRAINT timeline_entries_kind_check;
ALTER TABLE read_models.timeline_entries
  ADD CONSTRAINT timeline_entries_kind_check CHECK (kind IN ('validity', 'lift', 'rate', 'suspension'));
