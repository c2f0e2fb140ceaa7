-- 0065_search_fts_prefix.sql: search_fts keeps its 2-character prefix
-- index only.
--
-- The 1-character index lists, for every letter, every document with a
-- word beginning with it: 17 of the index's 79 MB at 100,000 entries, and
-- one of the three entries FTS5 adds for every word of every document,
-- which a bulk import's search helper spends most of its time on (paired
-- runs of an import of 100,000 entries: median 4.85 -> 4.45 s,
-- bench/RESULTS.md). search_fts answers only the body stage of a search
-- (search.c); a one-letter word there is asked as the letter itself or
-- any of its two-character prefixes, which the 2-character index holds
-- ("a" OR "a0"* ... OR "az"*, and the prefixes with a letter beyond ASCII
-- after it, read from the index's terms), so nothing expands over the
-- vocabulary and every query finds what it found. The names' table,
-- search_title, keeps its six prefix indexes. Both tables share the rowid
-- of search_doc.
CREATE VIRTUAL TABLE search_fts_new USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2'
);
INSERT INTO search_fts_new(rowid, kind, ref, title, body)
    SELECT rowid, kind, ref, title, body FROM search_fts;
-- FTS5 wrote the documents in segments of 1 MiB of terms and merged some:
-- six were left at 20,000 entries, and every word of a query is looked
-- up in each (a fresh import leaves one or two). One segment, as before.
INSERT INTO search_fts_new(search_fts_new) VALUES ('optimize');
DROP TABLE search_fts;
ALTER TABLE search_fts_new RENAME TO search_fts;
