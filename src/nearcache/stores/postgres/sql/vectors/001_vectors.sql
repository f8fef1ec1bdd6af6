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
