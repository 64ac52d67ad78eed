-- Up Migration
-- API keys get a lifecycle: keys are created, rotated, given an expiry and revoked, and each key
-- is found by its id (part of the key) and its secret checked against a salted hash.
-- Keys are 256-bit random secrets, so a slow password hash would only add latency: an
-- HMAC-SHA-256 keyed with a 16-byte per-key salt is as strong against a leaked table, and two
-- rows never share a hash. Rows from before keep their unsalted SHA-256 digest (algorithm
-- 'sha256') so their keys go on working; a rotation replaces them with a salted key.
ALTER TABLE access.api_keys DROP CONSTRAINT api_keys_key_hash_key;
ALTER TABLE access.api_keys
  ADD COLUMN algorithm text NOT NULL DEFAULT 'sha256' CHECK (algorithm IN ('sha256', 'hmac-sha256')),
  ADD COLUMN salt text CHECK (salt ~ '^[0-9a-f]{32}$'),
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN rotated_from text REFERENCES access.api_keys (key_id),
  ADD COLUMN replaced_by text REFERENCES access.api_keys (key_id),
  ADD COLUMN created_by text NOT NULL DEFAULT 'before-key-lifecycle',
  ADD CONSTRAINT api_keys_salted CHECK ((algorithm = 'hmac-sha256') = (salt IS NOT NULL));
-- The defaults only described the rows that existed; every new row states them.
ALTER TABLE access.api_keys ALTER COLUMN algorithm DROP DEFAULT, ALTER COLUMN created_by DROP DEFAULT;

-- Every write to access.* goes through the functions below: the apps' database roles may only
-- read the tables and execute these, so no code path can write a key some other way. Each runs
-- as the owner with a fixed search_path, so a caller's objects cannot stand in for ours.
-- Errors: P0002 (no_data_found) for an unknown key; 55000 (object_not_in_prerequisite_state)
-- for a key already revoked or expired; 22023 (invalid_parameter_value) for an expiry not in
-- the future.

CREATE FUNCTION access.create_api_key(
  p_key_id text, p_role text, p_label text, p_salt text, p_hash text,
  p_expires_at timestamptz, p_created_by text
) RETURNS access.api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  created access.api_keys;
BEGIN
  IF p_expires_at IS NOT NULL AND p_expires_at <= now() THEN
    RAISE EXCEPTION 'expiry % is not in the future', p_expires_at USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO access.api_keys (key_id, key_hash, role, label, algorithm, salt, expires_at, created_by)
  VALUES (p_key_id, p_hash, p_role, p_label, 'hmac-sha256', p_salt, p_expires_at, p_created_by)
  RETURNING * INTO created;
  RETURN created;
END;
$$;

-- A bootstrap key is registered when absent and otherwise left exactly as it is: a key revoked
-- or re-roled since stays so. True when this call registered it.
CREATE FUNCTION access.register_bootstrap_key(
  p_key_id text, p_role text, p_label text, p_salt text, p_hash text
) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO access.api_keys (key_id, key_hash, role, label, algorithm, salt, created_by)
  VALUES (p_key_id, p_hash, p_role, p_label, 'hmac-sha256', p_salt, 'bootstrap')
  ON CONFLICT (key_id) DO NOTHING;
  RETURN FOUND;
END;
$$;

-- The key, locked for the change; refuses an unknown key, and a revoked or expired one.
CREATE FUNCTION access.lock_live_api_key(p_key_id text) RETURNS access.api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  found_key access.api_keys;
BEGIN
  SELECT * INTO found_key FROM access.api_keys WHERE key_id = p_key_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'API key % does not exist', p_key_id USING ERRCODE = 'no_data_found';
  END IF;
  IF found_key.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'API key % is revoked', p_key_id USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF found_key.expires_at IS NOT NULL AND found_key.expires_at <= now() THEN
    RAISE EXCEPTION 'API key % has expired', p_key_id USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN found_key;
END;
$$;

-- A new key with the old one's role and label; the old one stays valid until now() + p_overlap
-- (or its own earlier expiry), so clients can switch without an outage. Returns the new key.
CREATE FUNCTION access.rotate_api_key(
  p_key_id text, p_new_key_id text, p_salt text, p_hash text, p_overlap interval,
  p_new_expires_at timestamptz, p_created_by text
) RETURNS access.api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  old_key access.api_keys;
  new_key access.api_keys;
BEGIN
  old_key := access.lock_live_api_key(p_key_id);
  IF old_key.replaced_by IS NOT NULL THEN
    RAISE EXCEPTION 'API key % was already rotated to %', p_key_id, old_key.replaced_by
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF p_overlap < interval '0' THEN
    RAISE EXCEPTION 'overlap % is negative', p_overlap USING ERRCODE = 'invalid_parameter_value';
  END IF;
  new_key := access.create_api_key(
    p_new_key_id, old_key.role, old_key.label, p_salt, p_hash, p_new_expires_at, p_created_by);
  UPDATE access.api_keys SET rotated_from = p_key_id WHERE key_id = p_new_key_id RETURNING * INTO new_key;
  UPDATE access.api_keys
  SET replaced_by = p_new_key_id,
      expires_at = least(coalesce(expires_at, 'infinity'), now() + p_overlap)
  WHERE key_id = p_key_id;
  RETURN new_key;
END;
$$;

-- Sets (or, with NULL, clears) the expiry of a live key.
CREATE FUNCTION access.set_api_key_expiry(p_key_id text, p_expires_at timestamptz) RETURNS access.api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  changed access.api_keys;
BEGIN
  PERFORM access.lock_live_api_key(p_key_id);
  IF p_expires_at IS NOT NULL AND p_expires_at <= now() THEN
    RAISE EXCEPTION 'expiry % is not in the future', p_expires_at USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE access.api_keys SET expires_at = p_expires_at WHERE key_id = p_key_id RETURNING * INTO changed;
  RETURN changed;
END;
$$;

-- Revokes a key for good; an expired key may still be revoked, a revoked one not again.
CREATE FUNCTION access.revoke_api_key(p_key_id text) RETURNS access.api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  changed access.api_keys;
BEGIN
  UPDATE access.api_keys SET revoked_at = now()
  WHERE key_id = p_key_id AND revoked_at IS NULL
  RETURNING * INTO changed;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM access.api_keys WHERE key_id = p_key_id) THEN
      RAISE EXCEPTION 'API key % is revoked', p_key_id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RAISE EXCEPTION 'API key % does not exist', p_key_id USING ERRCODE = 'no_data_found';
  END IF;
  RETURN changed;
END;
$$;

-- Records a use; at most once a minute per key, so busy keys do not write on every request.
CREATE FUNCTION access.touch_api_key(p_key_id text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  UPDATE access.api_keys SET last_used_at = now()
  WHERE key_id = p_key_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
$$;

-- Definer functions are executable by everyone unless revoked: only roles granted EXECUTE may.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA access FROM PUBLIC;

-- Down Migration
DROP FUNCTION access.touch_api_key(text);
DROP FUNCTION access.revoke_api_key(text);
DROP FUNCTION access.set_api_key_expiry(text, timestamptz);
DROP FUNCTION access.rotate_api_key(text, text, text, text, interval, timestamptz, text);
DROP FUNCTION access.lock_live_api_key(text);
DROP FUNCTION access.register_bootstrap_key(text, text, text, text, text);
DROP FUNCTION access.create_api_key(text, text, text, text, text, timestamptz, text);
ALTER TABLE access.api_keys DROP COLUMN replaced_by, DROP COLUMN rotated_from;
-- Salted keys cannot go back to a bare digest: they are dropped, as the older code could not use them.
DELETE FROM access.api_keys WHERE algorithm <> 'sha256';
ALTER TABLE access.api_keys
  DROP CONSTRAINT api_keys_salted,
  DROP COLUMN created_by,
  DROP COLUMN last_used_at,
  DROP COLUMN expires_at,
  DROP COLUMN salt,
  DROP COLUMN algorithm,
  ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash);
