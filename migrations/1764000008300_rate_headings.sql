-- Up Migration
-- Each rate paint keeps the legal reference of its rate: the chapter 98/99 heading it is levied
-- under and the instrument that set it (TariffImposed and TariffRateChanged v2). Paints projected
-- before carry what their v1 events upcast to: no heading, and for an imposition its own
-- legal instrument.
ALTER TABLE read_models.timeline_entries ADD COLUMN heading text, ADD COLUMN instrument text;
UPDATE read_models.timeline_entries e
SET instrument = m.legal_instrument
FROM read_models.measures m
WHERE e.kind = 'rate' AND m.event_id = e.event_id;

-- Down Migration
ALTER TABLE read_models.timeline_entries DROP COLUMN heading, DROP COLUMN instrument;
