-- Up Migration
-- A tariff's excluded codes live in read_models.product_codes (op 'exclude', in valid time) since
-- product coverage could change after imposition; the measures row's copy of the codes excluded
-- at creation is read by no query any more. The tariff columns' check loses it too.
ALTER TABLE read_models.measures DROP CONSTRAINT measures_check;
ALTER TABLE read_models.measures DROP COLUMN excluded_codes;
ALTER TABLE read_models.measures ADD CONSTRAINT measures_check CHECK (
  stream_type <> 'tariff-measure'
  OR (program IS NOT NULL AND title IS NOT NULL AND targets IS NOT NULL AND excluded_targets IS NOT NULL
      AND products IS NOT NULL AND product_scope IS NOT NULL AND product_codes IS NOT NULL)
);

-- Down Migration
ALTER TABLE read_models.measures DROP CONSTRAINT measures_check;
ALTER TABLE read_models.measures ADD COLUMN excluded_codes text[];
UPDATE read_models.measures
SET excluded_codes = CASE WHEN product_scope = 'all'
                          THEN ARRAY(SELECT jsonb_array_elements_text(coalesce(products -> 'excludedCodes', '[]')))
                          ELSE '{}' END
WHERE stream_type = 'tariff-measure';
ALTER TABLE read_models.measures ADD CONSTRAINT measures_check CHECK (
  stream_type <> 'tariff-measure'
  OR (program IS NOT NULL AND title IS NOT NULL AND targets IS NOT NULL AND excluded_targets IS NOT NULL
      AND products IS NOT NULL AND product_scope IS NOT NULL AND product_codes IS NOT NULL
      AND excluded_codes IS NOT NULL)
);
