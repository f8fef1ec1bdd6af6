-- nearcache's PostgreSQL schema, version 1: tables, indexes and the PL/pgSQL functions
-- every write calls. {p} is the store's prefix (validated: [a-z_][a-z0-9_]*), put in
-- by schema.py; the file runs as one script inside a transaction holding an advisory
-- lock, so concurrent first users create it once.

CREATE TABLE IF NOT EXISTS {p}_meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE IF NOT EXISTS {p}_ns (
    id bigserial PRIMARY KEY, tbl text NOT NULL, name bytea NOT NULL,
    entries bigint NOT NULL DEFAULT 0, bytes bigint NOT NULL DEFAULT 0,
    version bigint NOT NULL DEFAULT 0, evictions bigint NOT NULL DEFAULT 0,
    expirations bigint NOT NULL DEFAULT 0, UNIQUE (tbl, name));

CREATE TABLE IF NOT EXISTS {p}_rec (
    ns bigint NOT NULL, key bytea NOT NULL, value bytea NOT NULL,
    expires_at double precision, atime double precision NOT NULL,
    size integer NOT NULL, PRIMARY KEY (ns, key));

ALTER TABLE {p}_rec ALTER COLUMN value SET STORAGE EXTERNAL;

CREATE INDEX IF NOT EXISTS {p}_rec_lru ON {p}_rec (ns, atime);

CREATE INDEX IF NOT EXISTS {p}_rec_atime ON {p}_rec (atime);

CREATE INDEX IF NOT EXISTS {p}_rec_exp ON {p}_rec (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS {p}_chg (
    seq bigserial PRIMARY KEY, ns bigint NOT NULL, version bigint NOT NULL,
    op text NOT NULL, key bytea NOT NULL);

CREATE INDEX IF NOT EXISTS {p}_chg_ns ON {p}_chg (ns, version);

-- The namespace row, created if missing and locked for the rest of the transaction.
CREATE OR REPLACE FUNCTION {p}_nsid(p_tbl text, p_name bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  SELECT id INTO v FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO {p}_ns (tbl, name) VALUES (p_tbl, p_name)
      ON CONFLICT (tbl, name) DO NOTHING;
    SELECT id INTO v FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
  END IF;
  RETURN v;
END $$;

CREATE OR REPLACE FUNCTION {p}_bump(p_ns bigint, p_logged boolean, p_op text,
    p_keys bytea[], d_entries bigint, d_bytes bigint, d_evict bigint, d_exp bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE {p}_ns SET entries = entries + d_entries, bytes = bytes + d_bytes,
    version = version + 1, evictions = evictions + d_evict,
    expirations = expirations + d_exp
  WHERE id = p_ns RETURNING version INTO v;
  IF p_logged THEN
    INSERT INTO {p}_chg (ns, version, op, key)
      SELECT p_ns, v, p_op, t.k FROM unnest(p_keys) WITH ORDINALITY AS t(k, o)
      ORDER BY t.o;
  END IF;
  RETURN v;
END $$;

CREATE OR REPLACE FUNCTION {p}_put(p_tbl text, p_name bytea, p_keys bytea[],
    p_vals bytea[], p_exps float8[], p_now float8, p_logged boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint; added bigint; delta bigint;
BEGIN
  n := {p}_nsid(p_tbl, p_name);
  SELECT count(*) FILTER (WHERE o.key IS NULL),
         coalesce(sum(length(i.v)), 0) - coalesce(sum(o.size), 0)
    INTO added, delta
    FROM unnest(p_keys, p_vals) AS i(k, v)
    LEFT JOIN {p}_rec o ON o.ns = n AND o.key = i.k;
  INSERT INTO {p}_rec (ns, key, value, expires_at, atime, size)
    SELECT n, t.k, t.v, t.e, p_now, length(t.v)
    FROM unnest(p_keys, p_vals, p_exps) AS t(k, v, e)
    ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
      expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime, size = EXCLUDED.size;
  RETURN {p}_bump(n, p_logged, 'put', p_keys, added, delta, 0, 0);
END $$;

-- Insert each item whose key is absent or expired (a repeated key: the first wins); one
-- boolean per item, in order.
CREATE OR REPLACE FUNCTION {p}_add_many(p_tbl text, p_name bytea,
    p_keys bytea[], p_vals bytea[], p_exps float8[], p_now float8, p_logged boolean)
RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE n bigint; wk bytea[]; wv bytea[]; we float8[]; wo bigint[];
        added bigint; delta bigint;
BEGIN
  n := {p}_nsid(p_tbl, p_name);
  SELECT array_agg(f.k ORDER BY f.o), array_agg(f.v ORDER BY f.o),
         array_agg(f.e ORDER BY f.o), array_agg(f.o ORDER BY f.o)
    INTO wk, wv, we, wo
    FROM (SELECT DISTINCT ON (t.k) t.k, t.v, t.e, t.o
          FROM unnest(p_keys, p_vals, p_exps) WITH ORDINALITY AS t(k, v, e, o)
          ORDER BY t.k, t.o) f
    WHERE NOT EXISTS (SELECT 1 FROM {p}_rec r WHERE r.ns = n AND r.key = f.k
                      AND (r.expires_at IS NULL OR r.expires_at > p_now));
  IF wk IS NOT NULL THEN
    SELECT count(*) FILTER (WHERE o.key IS NULL),
           coalesce(sum(length(i.v)), 0) - coalesce(sum(o.size), 0)
      INTO added, delta
      FROM unnest(wk, wv) AS i(k, v)
      LEFT JOIN {p}_rec o ON o.ns = n AND o.key = i.k;
    INSERT INTO {p}_rec (ns, key, value, expires_at, atime, size)
      SELECT n, t.k, t.v, t.e, p_now, length(t.v)
      FROM unnest(wk, wv, we) AS t(k, v, e)
      ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
        expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime,
        size = EXCLUDED.size;
    PERFORM {p}_bump(n, p_logged, 'put', wk, added, delta, 0, 0);
  END IF;
  RETURN ARRAY(SELECT coalesce(g.o = ANY(wo), false)
               FROM generate_series(1, cardinality(p_keys)) AS g(o) ORDER BY g.o);
END $$;

-- Remove (ns, key) pairs in the given order, book them, return them in that order.
CREATE OR REPLACE FUNCTION {p}_drop(v_ns bigint[], v_key bytea[], p_kind text,
    p_logged boolean)
RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
DECLARE nsid bigint; ks bytea[]; total bigint; cnt bigint;
BEGIN
  FOR nsid IN SELECT DISTINCT x FROM unnest(v_ns) AS x ORDER BY 1 LOOP
    ks := ARRAY(SELECT t.k FROM unnest(v_ns, v_key) WITH ORDINALITY AS t(tn, k, o)
                WHERE t.tn = nsid ORDER BY t.o);
    WITH d AS (DELETE FROM {p}_rec WHERE ns = nsid AND key = ANY(ks)
               RETURNING size)
    SELECT count(*), coalesce(sum(size), 0) INTO cnt, total FROM d;
    IF cnt > 0 THEN
      PERFORM {p}_bump(nsid, p_logged, 'delete', ks, -cnt, -total,
        CASE WHEN p_kind = 'evict' THEN cnt ELSE 0 END,
        CASE WHEN p_kind = 'expire' THEN cnt ELSE 0 END);
    END IF;
  END LOOP;
  RETURN QUERY SELECT n.name, t.k
    FROM unnest(v_ns, v_key) WITH ORDINALITY AS t(tn, k, o)
    JOIN {p}_ns n ON n.id = t.tn ORDER BY t.o;
END $$;

CREATE OR REPLACE FUNCTION {p}_remove(p_tbl text, p_name bytea, p_keys bytea[],
    p_logged boolean)
RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
DECLARE n bigint; v_ns bigint[]; v_key bytea[];
BEGIN
  SELECT id INTO n FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
  IF NOT FOUND THEN RETURN; END IF;
  SELECT array_agg(n), array_agg(r.key ORDER BY t.o) INTO v_ns, v_key
    FROM unnest(p_keys) WITH ORDINALITY AS t(k, o)
    JOIN {p}_rec r ON r.ns = n AND r.key = t.k;
  IF v_key IS NULL THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'delete', p_logged);
END $$;

-- Lock the namespace rows of a table (or one namespace) in id order.
CREATE OR REPLACE FUNCTION {p}_lock(p_tbl text, p_name bytea)
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
  SELECT array_agg(id ORDER BY id) INTO ids FROM (
    SELECT id FROM {p}_ns WHERE tbl = p_tbl AND (p_name IS NULL OR name = p_name)
    ORDER BY id FOR UPDATE) s;
  RETURN ids;
END $$;

CREATE OR REPLACE FUNCTION {p}_purge(p_tbl text, p_name bytea, p_now float8,
    p_limit bigint, p_logged boolean)
RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
DECLARE ids bigint[]; v_ns bigint[]; v_key bytea[];
BEGIN
  ids := {p}_lock(p_tbl, p_name);
  IF ids IS NULL THEN RETURN; END IF;
  SELECT array_agg(s.ns), array_agg(s.key) INTO v_ns, v_key FROM (
    SELECT ns, key FROM {p}_rec WHERE ns = ANY(ids) AND expires_at <= p_now
    ORDER BY expires_at, ns, key LIMIT p_limit) s;
  IF v_key IS NULL THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'expire', p_logged);
END $$;

CREATE OR REPLACE FUNCTION {p}_evict(p_tbl text, p_name bytea, p_max_e bigint,
    p_max_b bigint, p_logged boolean)
RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
DECLARE ids bigint[]; e bigint; b bigint; r record;
        v_ns bigint[] := '{}'; v_key bytea[] := '{}';
BEGIN
  ids := {p}_lock(p_tbl, p_name);
  IF ids IS NULL THEN RETURN; END IF;
  SELECT coalesce(sum(entries), 0), coalesce(sum(bytes), 0) INTO e, b
    FROM {p}_ns WHERE id = ANY(ids);
  IF NOT ((p_max_e IS NOT NULL AND e > p_max_e)
          OR (p_max_b IS NOT NULL AND b > p_max_b)) THEN
    RETURN;
  END IF;
  FOR r IN SELECT ns, key, size FROM {p}_rec WHERE ns = ANY(ids)
           ORDER BY atime, ns, key LOOP
    EXIT WHEN NOT ((p_max_e IS NOT NULL AND e > p_max_e)
                   OR (p_max_b IS NOT NULL AND b > p_max_b));
    v_ns := v_ns || r.ns;
    v_key := v_key || r.key;
    e := e - 1;
    b := b - r.size;
  END LOOP;
  IF cardinality(v_key) = 0 THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'evict', p_logged);
END $$;

CREATE OR REPLACE FUNCTION {p}_clear(p_tbl text, p_name bytea, p_logged boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE ids bigint[]; nsid bigint; total bigint := 0; cnt bigint;
BEGIN
  ids := {p}_lock(p_tbl, p_name);
  IF ids IS NULL THEN RETURN 0; END IF;
  FOREACH nsid IN ARRAY ids LOOP
    SELECT entries INTO cnt FROM {p}_ns WHERE id = nsid;
    DELETE FROM {p}_rec WHERE ns = nsid;
    UPDATE {p}_ns SET entries = 0, bytes = 0 WHERE id = nsid;
    PERFORM {p}_bump(nsid, p_logged, 'clear', ARRAY[''::bytea], 0, 0, 0, 0);
    total := total + cnt;
  END LOOP;
  RETURN total;
END $$;
