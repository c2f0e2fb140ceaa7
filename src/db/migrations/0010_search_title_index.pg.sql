-- PostgreSQL text of 0010_search_title_index.sql: migrate.c applies it in that file's place on
-- PostgreSQL (drafted by tools/pg_dialect.py, fixed by hand where marked).
--
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
--
-- On PostgreSQL the prefix lookups go through search_word (0001), which
-- already knows the title words apart (col 0); search_title is kept as a
-- plain table so search.c writes and deletes it with the same statements,
-- and the title stage reads names and kinds from it. search_fts needs no
-- rebuild here.
CREATE TABLE search_title (
    rowid BIGINT PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    ref BIGINT NOT NULL,
    title TEXT COLLATE "C" NOT NULL DEFAULT ''
);
INSERT INTO search_title(rowid, kind, ref, title) SELECT rowid, kind, ref, title FROM search_fts;
