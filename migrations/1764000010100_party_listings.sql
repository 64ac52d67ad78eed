-- Up Migration
-- Party lists (the US Entity List, China's Unreliable Entity List…) as bitemporal read models,
-- and trigram matching for screening names against them.
--
-- pg_trgm gives similarity() and word_similarity(). It is a trusted extension created in public,
-- not in a ledger schema: its functions belong to the extension, not to ledger_owner, and stay
-- out of the schemas the least-privilege test holds to ledger_owner. Accents and other scripts
-- are folded to ASCII by the projector before a name's search key is stored (see
-- libs/read-models/src/party-search-key.ts), so unaccent is not needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- The journal takes streams of the new type.
ALTER TABLE journal.streams DROP CONSTRAINT streams_stream_type_check;
ALTER TABLE journal.streams ADD CONSTRAINT streams_stream_type_check
  CHECK (stream_type IN ('tariff-measure', 'export-control', 'licence', 'agreement', 'party-listing', 'ledger'));

-- Each list's creation (PartyListCreated): normally one per list; if a creation is retracted
-- and re-entered, the latest known one names the list.
CREATE TABLE read_models.party_lists (
  list_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  event_id uuid NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  imposer text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (list_id, version)
);

-- Every listing (PartyListed: listed) and delisting (PartyDelisted: not listed) of a party, from
-- valid_from on. A party is on its list at T when its latest known row with valid_from <= T (the
-- later version on a tie) is a listing. search_keys holds the search key of the name and of
-- each alias, in that order.
CREATE TABLE read_models.party_listings (
  list_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  event_id uuid NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL,
  retracted_at timestamptz,
  party_id text NOT NULL,
  listed boolean NOT NULL,
  valid_from timestamptz NOT NULL,
  -- The envelope's citation: the notice that listed or delisted the party.
  citation jsonb,
  name text,
  aliases text[],
  country text,
  addresses text[],
  reason text,
  licence_requirement text,
  licence_review_policy text,
  search_keys text[],
  PRIMARY KEY (list_id, version),
  CHECK (
    listed = (name IS NOT NULL AND aliases IS NOT NULL AND country IS NOT NULL AND addresses IS NOT NULL
              AND reason IS NOT NULL AND licence_requirement IS NOT NULL
              AND licence_review_policy IS NOT NULL AND search_keys IS NOT NULL)
  )
);
CREATE INDEX party_listings_by_party ON read_models.party_listings (list_id, party_id, valid_from);

ALTER TABLE read_models.party_lists OWNER TO ledger_owner;
ALTER TABLE read_models.party_listings OWNER TO ledger_owner;
GRANT SELECT ON read_models.party_lists, read_models.party_listings TO ledger_writer, ledger_auditor;
GRANT SELECT, INSERT, UPDATE ON read_models.party_lists, read_models.party_listings TO ledger_projector;

-- Down Migration
-- Streams of the type already in the journal stay (it is append-only): the check holds for new rows.
ALTER TABLE journal.streams DROP CONSTRAINT streams_stream_type_check;
ALTER TABLE journal.streams ADD CONSTRAINT streams_stream_type_check
  CHECK (stream_type IN ('tariff-measure', 'export-control', 'licence', 'agreement', 'ledger')) NOT VALID;
DROP TABLE IF EXISTS read_models.party_listings;
DROP TABLE IF EXISTS read_models.party_lists;
-- Nothing else in the ledger uses pg_trgm.
DROP EXTENSION IF EXISTS pg_trgm;
