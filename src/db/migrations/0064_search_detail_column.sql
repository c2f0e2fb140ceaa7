-- 0064_search_detail_column.sql: both FTS5 tables keep, per word and
-- document, the columns it is in, not its positions (detail=column).
--
-- No query asks for a position: search.c's match expressions are words
-- that must each begin some word of the document, or of its title (a
-- column filter, which detail=column keeps), never a phrase, NEAR or a
-- rank (search_build_match, query_params). Positions were most of the
-- index: measured on 100,000 generated entries, search_fts's index 79 ->
-- 35 MB, and building it took 15% less CPU (bench/RESULTS.md). The
-- shadow tables are the same five per table, so a bulk write's helper
-- still builds them and the writer copies them in (search.c's folder).
CREATE VIRTUAL TABLE search_title_new USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6',
    detail = column
);
INSERT INTO search_title_new(rowid, kind, ref, title) SELECT rowid, kind, ref, title FROM search_title;
DROP TABLE search_title;
ALTER TABLE search_title_new RENAME TO search_title;

CREATE VIRTUAL TABLE search_fts_new USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2',
    detail = column
);
INSERT INTO search_fts_new(rowid, kind, ref, title, body)
    SELECT rowid, kind, ref, title, body FROM search_fts;
DROP TABLE search_fts;
ALTER TABLE search_fts_new RENAME TO search_fts;
