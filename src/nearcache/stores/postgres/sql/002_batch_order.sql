-- nearcache's PostgreSQL schema, version 2: within one write, a later record is more
-- recent. Version 1 gave every record of a batch the same atime, so eviction ranked
-- them by key; now a record's atime is p_now plus a step per place in the batch (the
-- step is 2^-50 of the time's magnitude, as lru.py's batch_times). Same signatures.

-- The LRU time of the record at place p_place (1-based) of a batch written at p_now.
CREATE OR REPLACE FUNCTION {p}_atime(p_now float8, p_place bigint) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_now + (p_place - 1) * (greatest(abs(p_now), 1) * power(2::float8, -50))
$$;

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
    SELECT n, t.k, t.v, t.e, {p}_atime(p_now, t.o), length(t.v)
    FROM unnest(p_keys, p_vals, p_exps) WITH ORDINALITY AS t(k, v, e, o)
    ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
      expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime, size = EXCLUDED.size;
  RETURN {p}_bump(n, p_logged, 'put', p_keys, added, delta, 0, 0);
END $$;

-- Insert each item whose key is absent or expired (a repeated key: the first wins); one
-- boolean per item, in order. A stored item's atime follows its place among the items.
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
      SELECT n, t.k, t.v, t.e, {p}_atime(p_now, t.o), length(t.v)
      FROM unnest(wk, wv, we, wo) AS t(k, v, e, o)
      ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
        expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime,
        size = EXCLUDED.size;
    PERFORM {p}_bump(n, p_logged, 'put', wk, added, delta, 0, 0);
  END IF;
  RETURN ARRAY(SELECT coalesce(g.o = ANY(wo), false)
               FROM generate_series(1, cardinality(p_keys)) AS g(o) ORDER BY g.o);
END $$;
