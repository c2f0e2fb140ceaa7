-- 0010_search_title_index.sql: names get their own prefix-indexed FTS
-- table; the full documents keep short prefix indexes only.
--
-- search_fts indexed every word of every description six more times (a
-- prefix index for each of 1..6 characters): perf put 60% of an import's
-- search cost there, and 100,000 entries took 8 s of CPU in FTS5 alone
-- (bench/directory.sh). Long prefixes only pay off where the typeahead
-- ranks names (search.c's title stage), so the names now sit in
-- search_title with the same six prefix indexes, and search_fts (names
-- and bodies, for the body-only matches after them) keeps the 1- and
-- 2-character ones, so no query expands a one- or two-letter prefix over
-- the whole vocabulary; longer prefixes match few terms. Measured on
-- 100,000 generated entries: 7.9 s of CPU before, 0.6 + 3.6 s after.
-- Both tables share the rowid of search_doc.
CREATE VIRTUAL TABLE search_title USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6'
);
INSERT INTO search_title(rowid, kind, ref, title) SELECT rowid, kind, ref, title FROM search_fts;

CREATE VIRTUAL TABLE search_fts_new USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);
INSERT INTO search_fts_new(rowid, kind, ref, title, body)
    SELECT rowid, kind, ref, title, body FROM search_fts;
DROP TABLE search_fts;
ALTER TABLE search_fts_new RENAME TO search_fts;
