-- Up Migration
-- A tariff announcement (TariffAnnounced) may name no legal basis yet: its measures row carries
-- none. Every imposition and export control still does (the API and the deciders require it).
ALTER TABLE read_models.measures ALTER COLUMN legal_instrument DROP NOT NULL;

-- Down Migration
ALTER TABLE read_models.measures ALTER COLUMN legal_instrument SET NOT NULL;
