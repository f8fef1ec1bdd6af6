-- nearcache's SQLite schema, version 8 (see schema.py; versions 1 to 7 are migrated). Statements end with ";" at the
-- end of a line. The "-- section:" lines split the file: "store" is created once,
-- "records" once per table and "changes" once per table that keeps a change log, with
-- {table} replaced by the table's name (embedding, semantic, kv, batch, lease).

-- section: store
CREATE TABLE IF NOT EXISTS nearcache_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS namespaces (
    id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, name TEXT NOT NULL,
    entries INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0, evictions INTEGER NOT NULL DEFAULT 0,
    expirations INTEGER NOT NULL DEFAULT 0, logged INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tbl, name));

-- section: records
-- id: (namespace id << 40) + n, n counting the namespace's records in write order: a
-- namespace's records are one run of rowids, appended to (a batch fills fresh pages
-- instead of dirtying one random page per record), and read in LRU order (see layout.py)
-- without an (ns, atime) index for every put to write. atime: the record's first write.
-- hid: the first 8 bytes of the key hash XOR a per-namespace salt, the lookup key (fast
-- IN lookups in a compact index); ns and key are checked on every read, so a hid
-- collision is a miss. The CHECK (40 = layout.RUN_BITS) refuses a record outside its
-- namespace's run: an older nearcache still running when the file was migrated appends
-- new keys at the table's end, which would put them in another namespace's run (out of
-- their LRU order, missed by clear and scan); its write fails instead (abs: a run being
-- numbered again goes through negative rowids, see layout.next_ids).
CREATE TABLE IF NOT EXISTS rec_{table} (
    id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL,
    value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL,
    size INTEGER NOT NULL, hid INTEGER NOT NULL, CHECK (abs(id) >> 40 = ns));
CREATE UNIQUE INDEX IF NOT EXISTS rec_{table}_hid ON rec_{table} (hid);
CREATE INDEX IF NOT EXISTS rec_{table}_exp ON rec_{table} (expires_at)
    WHERE expires_at IS NOT NULL;
-- Access times of records read or written again since their first write (id = the
-- record's id), kept apart from the ~1.6 KB records: writing the reads' LRU times
-- rewrites these small rows (~200 a page) instead of a record's whole page per key read.
-- A record's LRU time is the later of rec.atime (its first write) and seen.atime; the
-- row goes with the record.
CREATE TABLE IF NOT EXISTS seen_{table} (
    id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, atime REAL NOT NULL);
CREATE INDEX IF NOT EXISTS seen_{table}_ns_atime ON seen_{table} (ns, atime);

-- section: changes
-- Clustered on (ns, version, n), n = the key's place in its version's batch: a write
-- appends to one page of its namespace's run (no rowid table + index pair), and readers
-- seek straight to (ns, since + 1). Pruned per namespace, whole versions at a time,
-- counted by namespaces.logged. de / db: a single put's entry and byte deltas, not yet
-- in the namespace's row while version > namespaces.version (see counts.py).
CREATE TABLE IF NOT EXISTS chg_{table} (
    ns INTEGER NOT NULL, version INTEGER NOT NULL, n INTEGER NOT NULL,
    op TEXT NOT NULL, key BLOB NOT NULL, de INTEGER NOT NULL DEFAULT 0,
    db INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ns, version, n)) WITHOUT ROWID;
