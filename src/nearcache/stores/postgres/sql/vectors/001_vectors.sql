-- nearcache's vectors beside the records (index_backend="pgvector"), version 1. Needs the
-- pgvector extension (created by vectors.py first, with a clear error when the server
-- lacks it). {p} is the store's prefix. Runs inside a transaction under the store's
-- advisory lock, after the records' own schema.
--
-- One row per record that has a vector: the record's (ns, key), the caller's partition
-- label (scope), the record's expiry, and the vector. The foreign key removes a vector
-- with its record on every path (delete, evict, expire, clear) without touching the
-- record functions. The column starts unconstrained; vectors.py gives it its dimension
-- and element type (vector(d) or halfvec(d)) and the HNSW index once the dimension is
-- known (the "vector_layout" row of {p}_meta).

CREATE TABLE IF NOT EXISTS {p}_vec (
    ns bigint NOT NULL, key bytea NOT NULL, scope text NOT NULL,
    expires_at double precision, emb vector NOT NULL,
    PRIMARY KEY (ns, key),
    FOREIGN KEY (ns, key) REFERENCES {p}_rec (ns, key) ON DELETE CASCADE);

ALTER TABLE {p}_vec ALTER COLUMN emb SET STORAGE PLAIN;

CREATE INDEX IF NOT EXISTS {p}_vec_scope ON {p}_vec (ns, scope);

-- The SQL type of the vector column now ('vector(384)', 'halfvec(384)', ...).
CREATE OR REPLACE FUNCTION {p}_vec_type() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
  WHERE a.attrelid = '{p}_vec'::regclass AND a.attname = 'emb' $$;

-- {p}_put, and the batch's vectors and scopes in the same transaction.
CREATE OR REPLACE FUNCTION {p}_put_vec(p_tbl text, p_name bytea, p_keys bytea[],
    p_vals bytea[], p_exps float8[], p_now float8, p_logged boolean, p_scopes text[],
    p_embs vector[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v bigint; n bigint;
BEGIN
  v := {p}_put(p_tbl, p_name, p_keys, p_vals, p_exps, p_now, p_logged);
  SELECT id INTO n FROM {p}_ns WHERE tbl = p_tbl AND name = p_name;
  INSERT INTO {p}_vec (ns, key, scope, expires_at, emb)
    SELECT n, t.k, t.s, t.e, t.v FROM unnest(p_keys, p_scopes, p_exps, p_embs) AS t(k, s, e, v)
    ON CONFLICT (ns, key) DO UPDATE SET scope = EXCLUDED.scope,
      expires_at = EXCLUDED.expires_at, emb = EXCLUDED.emb;
  RETURN v;
END $$;

-- One lookup in one statement. Rows: kind 0 = the exact key's record (value NULL when
-- expired), kind 1 = the partition (ns, scope) holds vectors, kind 2 = a neighbour
-- (value only at or above p_floor). The neighbour search is planned for its actual
-- values (EXECUTE): a small partition is read through {p}_vec_scope exactly, a large one
-- through HNSW with an iterative scan that keeps going until k rows pass the filter.
CREATE OR REPLACE FUNCTION {p}_probe(p_tbl text, p_name bytea, p_key bytea,
    p_scope text, p_now float8, p_q vector, p_k integer, p_floor float8, p_ef integer)
RETURNS TABLE(o_kind integer, o_key bytea, o_value bytea, o_exp float8, o_sim float8)
LANGUAGE plpgsql AS $$
DECLARE n bigint; t text;
BEGIN
  SELECT id INTO n FROM {p}_ns WHERE tbl = p_tbl AND name = p_name;
  IF NOT FOUND THEN RETURN; END IF;
  IF p_key IS NOT NULL THEN
    RETURN QUERY SELECT 0, r.key,
        CASE WHEN r.expires_at IS NULL OR r.expires_at > p_now THEN r.value END,
        r.expires_at, 1.0::float8
      FROM {p}_rec r WHERE r.ns = n AND r.key = p_key;
    RETURN QUERY SELECT 1, NULL::bytea, NULL::bytea, NULL::float8, NULL::float8
      WHERE EXISTS (SELECT 1 FROM {p}_vec v WHERE v.ns = n AND v.scope = p_scope);
  END IF;
  IF p_q IS NULL OR p_k < 1 THEN RETURN; END IF;
  PERFORM set_config('hnsw.ef_search', p_ef::text, true);
  PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
  t := {p}_vec_type();
  RETURN QUERY EXECUTE format(
    'SELECT 2, c.key, CASE WHEN c.sim >= $5 THEN r.value END, c.expires_at, c.sim
     FROM (SELECT v.key, v.expires_at, 1 - (v.emb <=> $1::%1$s) AS sim FROM {p}_vec v
           WHERE v.ns = $2 AND v.scope = $3
             AND (v.expires_at IS NULL OR v.expires_at > $4)
           ORDER BY v.emb <=> $1::%1$s LIMIT $6) c
     JOIN {p}_rec r ON r.ns = $2 AND r.key = c.key', t)
    USING p_q, n, p_scope, p_now, p_floor, p_k;
END $$;
