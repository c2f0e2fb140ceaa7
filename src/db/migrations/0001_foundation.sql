-- 0001_foundation.sql: the search index shared by every entity.
--
-- Text is stored folded (utf8_fold: Cyrillic to Latin, lower case, no
-- diacritics, đ/dj/d made one) so that "Niš", "Nis" and "Ниш" find the
-- same documents; unicode61 then only splits words. The original text
-- lives in the entity's own table; `kind` and `ref` point back to it.
-- search_doc maps (kind, ref) to the FTS rowid, so replacing a document is
-- an index lookup, not a scan of the whole FTS table.
CREATE TABLE search_doc (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref INTEGER NOT NULL,
    UNIQUE (kind, ref)
) STRICT;

CREATE VIRTUAL TABLE search_fts USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6'  -- typeahead: short prefixes read one doclist
);

-- Settings the instance keeps about itself (first-run state and the like).
CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
