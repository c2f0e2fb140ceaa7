-- PostgreSQL text of 0033_post_facet_count.sql: migrate.c applies it in that file's place on
-- PostgreSQL (drafted by tools/pg_dialect.py, fixed by hand where marked).
--
-- 0033_post_facet_count.sql: the cooperation board's facet counts, stored
-- (issue 13: counted live they cost about a second of CPU at 100,000 open
-- posts, so the board showed no counts above 5,000).
--
-- One row per facet value and per (visibility, kind, topic) of the posts
-- counted, so the board's visibility, kind and topic filters read them
-- too. facet is kind, topic, sector (post_nace code), geo (post_geo code)
-- or org (the author organisation's id: the cluster facet joins it to the
-- memberships current when the page is drawn). A post counts while it is
-- open and valid_until >= the day in app_meta 'post_facet_day'. The post
-- writers (post.c) take a post's contribution out before a change and put
-- it back after, in the same transaction; posts that expire are taken out
-- by the daily sweep (post_facet_sweep, on the digest job), which moves
-- the day forward; a reader subtracts the posts that expired since the
-- last sweep, so counts are exact at any time.
CREATE TABLE post_facet_count (
    facet TEXT COLLATE "C" NOT NULL,
    vis TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    topic TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (facet, vis, kind, topic, code)
);

-- Yesterday in UTC is never later than today in Belgrade: the readers'
-- correction covers the rest.
-- (by hand: yesterday in UTC with to_char for date('now', '-1 day'), now()
-- for strftime, and the subquery below needs its alias on PostgreSQL)
INSERT INTO app_meta(key, value, updated_at)
    VALUES ('post_facet_day', to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD'),
            extract(epoch FROM now())::bigint);

INSERT INTO post_facet_count(facet, vis, kind, topic, code, n)
SELECT f, vis, kind, topic, code, count(*) FROM (
    SELECT 'kind' AS f, p.visibility AS vis, p.kind AS kind, p.topic AS topic, p.kind AS code
      FROM post p WHERE p.status = 'open' AND p.valid_until >= to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD')
    UNION ALL SELECT 'topic', p.visibility, p.kind, p.topic, p.topic
      FROM post p WHERE p.status = 'open' AND p.valid_until >= to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD')
    UNION ALL SELECT 'sector', p.visibility, p.kind, p.topic, x.code
      FROM post p JOIN post_nace x ON x.post_id = p.id
     WHERE p.status = 'open' AND p.valid_until >= to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD')
    UNION ALL SELECT 'geo', p.visibility, p.kind, p.topic, x.code
      FROM post p JOIN post_geo x ON x.post_id = p.id
     WHERE p.status = 'open' AND p.valid_until >= to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD')
    UNION ALL SELECT 'org', p.visibility, p.kind, p.topic, CAST(p.org_id AS TEXT)
      FROM post p WHERE p.status = 'open' AND p.valid_until >= to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD')) AS facts
GROUP BY 1, 2, 3, 4, 5;
