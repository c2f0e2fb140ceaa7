-- 0039_post_search.sql: keyword search on the cooperation board (issue 13:
-- /cooperation?q=, the API's q and the Atom feed's).
--
-- One FTS5 document per post, rowid = post.id, holding the post's title
-- and text in both languages folded with utf8_fold (the directory
-- search's folding: Cyrillic, Latin with or without diacritics and ASCII
-- alike, so "Ниш", "Niš" and "Nis" are one word). The post writers
-- (post.c put_parts) replace it in the same transaction as the post.
-- Queries are search.c's: every word quoted and matched as a prefix, all
-- words required; prefix indexes for 2 and 3 characters keep short
-- prefixes cheap. SQL cannot fold: the posts that exist when this runs
-- are indexed in C before anything reads the board (post_search_fill,
-- called after migrating), which clears 'post_fts_fill'.
CREATE VIRTUAL TABLE post_fts USING fts5(
    text,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO app_meta(key, value, updated_at)
    SELECT 'post_fts_fill', '1', CAST(strftime('%s', 'now') AS INTEGER)
     WHERE EXISTS (SELECT 1 FROM post);
