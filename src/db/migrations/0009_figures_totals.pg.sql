-- PostgreSQL text of 0009_figures_totals.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0009_figures_totals.sql: the yearly figures totals kept precomputed, so
-- /figures after a write at 1,000,000 figure rows reads a few hundred
-- stored rows instead of aggregating every member again (4-9 s).
--
-- figure_total_row holds what the reference statements of figures.c
-- (total_sql) give for one year, scope and grouping, one row per group
-- key, before the previous-year fields (computed when read). The cluster
-- grouping is keyed by the cluster's org id (as text) so a renamed
-- cluster needs nothing; its slug and name are joined when read.
-- figure_total_done says which (year, scope, cluster, grouping) sets are
-- stored: a set is filled whole by figures.c from the reference statement
-- (in a write transaction) and then kept exact by the triggers below, in
-- the transaction of every write, whoever writes:
--   org_figure          the row's values are added to (or taken from) the
--                       stored rows that count its organisation (the same
--                       three rules as the reference; see figures.h)
--   cluster_member      the years whose membership overlap changes are
--                       dropped (filled again on the next read)
--   scan_membership     the years at or after the status date are dropped
--   an organisation's   the groupings keyed by them are dropped when it is
--   region, district,   a member of a cluster (by org.c's writers, not a
--   sectors             trigger: see the facet counts at the end)
-- Scope: 0 SCAN, 1 founders, 2 one cluster (cluster_id); grp: 0 none,
-- 1 cluster, 2 sector, 3 region, 4 district (figure_scope, figure_group).

CREATE TABLE figure_total_done (
    year BIGINT NOT NULL,
    scope BIGINT NOT NULL,
    cluster_id BIGINT NOT NULL, -- 0 unless scope 2
    grp BIGINT NOT NULL,
    PRIMARY KEY (year, scope, cluster_id, grp)
);

CREATE TABLE figure_total_row (
    year BIGINT NOT NULL,
    scope BIGINT NOT NULL,
    cluster_id BIGINT NOT NULL,
    grp BIGINT NOT NULL,
    key TEXT COLLATE "C" NOT NULL,           -- 'all', cluster org id, NACE section, region, district, '?'
    members BIGINT NOT NULL,
    reported BIGINT NOT NULL,
    verified BIGINT NOT NULL,
    employees BIGINT NOT NULL,
    revenue BIGINT NOT NULL,    -- cents
    exports BIGINT NOT NULL,
    rnd BIGINT NOT NULL,
    rev_both BIGINT NOT NULL,   -- revenue of rows that give exports too
    exp_both BIGINT NOT NULL,   -- exports of rows that give revenue too
    demo BIGINT NOT NULL,       -- counted rows that are demo data
    PRIMARY KEY (year, scope, cluster_id, grp, key)
);

-- --- org_figure: add or take one row's values -------------------------------------
-- For row R of organisation O and year Y (d1 = Y-12-31, d0 = Y-01-01):
--   one-cluster totals of every cluster O was a member of during Y;
--   SCAN (founders) totals when one of those clusters was a SCAN member or
--   founder (a founder) by the status in force on d1: 'all', the keys of
--   O's sector, region and district, and the cluster rows of those
--   clusters.
-- An update of a row's values adds the difference; one that moves a row
-- to another organisation or year takes the old and adds the new. Three
-- statements per change, each with a fixed grouping and the subqueries
-- independent of the stored row, so SQLite reaches the stored rows
-- through the primary key and computes O's keys and scopes once: a write
-- costs a few index lookups however many rows are stored. (Mechanical
-- text, written out per sign rather than one statement with ORs, which
-- made SQLite walk every stored row of the year for each write.)

CREATE FUNCTION figure_total_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT (EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)) THEN
        RETURN NULL;
    END IF;
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp IN (0, 2, 3, 4)
        AND key = CASE grp WHEN 0 THEN 'all'
            WHEN 2 THEN coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
            WHEN 3 THEN (SELECT coalesce(o.region, '?') FROM org o WHERE o.id = NEW.org_id)
            ELSE (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id) END
        AND CASE scope WHEN 0 THEN EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_add AFTER INSERT ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_add_fn();

CREATE FUNCTION figure_total_take_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT (EXISTS (SELECT 1 FROM figure_total_done WHERE year = OLD.year)) THEN
        RETURN NULL;
    END IF;
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp IN (0, 2, 3, 4)
        AND key = CASE grp WHEN 0 THEN 'all'
            WHEN 2 THEN coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = OLD.org_id
                ORDER BY x.code LIMIT 1), '?')
            WHEN 3 THEN (SELECT coalesce(o.region, '?') FROM org o WHERE o.id = OLD.org_id)
            ELSE (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = OLD.org_id) END
        AND CASE scope WHEN 0 THEN EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_take AFTER DELETE ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_take_fn();

CREATE FUNCTION figure_total_change_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT (OLD.org_id = NEW.org_id AND OLD.year = NEW.year AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)) THEN
        RETURN NULL;
    END IF;
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL)::int - (OLD.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0) - coalesce(OLD.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0) - coalesce(OLD.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0) - coalesce(OLD.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0) - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo + NEW.is_demo - OLD.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01')));
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL)::int - (OLD.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0) - coalesce(OLD.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0) - coalesce(OLD.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0) - coalesce(OLD.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0) - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo + NEW.is_demo - OLD.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL)::int - (OLD.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0) - coalesce(OLD.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0) - coalesce(OLD.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0) - coalesce(OLD.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0) - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo + NEW.is_demo - OLD.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp IN (0, 2, 3, 4)
        AND key = CASE grp WHEN 0 THEN 'all'
            WHEN 2 THEN coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
            WHEN 3 THEN (SELECT coalesce(o.region, '?') FROM org o WHERE o.id = NEW.org_id)
            ELSE (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id) END
        AND CASE scope WHEN 0 THEN EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_change AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_change_fn();

CREATE FUNCTION figure_total_move_take_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT ((OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.year IS DISTINCT FROM NEW.year) AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = OLD.year)) THEN
        RETURN NULL;
    END IF;
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL)::int,
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp IN (0, 2, 3, 4)
        AND key = CASE grp WHEN 0 THEN 'all'
            WHEN 2 THEN coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = OLD.org_id
                ORDER BY x.code LIMIT 1), '?')
            WHEN 3 THEN (SELECT coalesce(o.region, '?') FROM org o WHERE o.id = OLD.org_id)
            ELSE (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = OLD.org_id) END
        AND CASE scope WHEN 0 THEN EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= (to_char(OLD.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(OLD.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(OLD.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_move_take AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_move_take_fn();

CREATE FUNCTION figure_total_move_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT ((OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.year IS DISTINCT FROM NEW.year) AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)) THEN
        RETURN NULL;
    END IF;
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT (m.cluster_id)::text FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL)::int,
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp IN (0, 2, 3, 4)
        AND key = CASE grp WHEN 0 THEN 'all'
            WHEN 2 THEN coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
            WHEN 3 THEN (SELECT coalesce(o.region, '?') FROM org o WHERE o.id = NEW.org_id)
            ELSE (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id) END
        AND CASE scope WHEN 0 THEN EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= (to_char(NEW.year, 'FM0000') || '-12-31')
            AND (m.left_on IS NULL OR m.left_on >= (to_char(NEW.year, 'FM0000') || '-01-01'))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= (to_char(NEW.year, 'FM0000') || '-12-31')
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_move_add AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_move_add_fn();

-- --- memberships: drop the years whose overlap changes ------------------------------

CREATE FUNCTION figure_total_member_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE NEW.joined_on <= (to_char(year, 'FM0000') || '-12-31')
        AND (NEW.left_on IS NULL OR NEW.left_on >= (to_char(year, 'FM0000') || '-01-01'));
    DELETE FROM figure_total_row WHERE NEW.joined_on <= (to_char(year, 'FM0000') || '-12-31')
        AND (NEW.left_on IS NULL OR NEW.left_on >= (to_char(year, 'FM0000') || '-01-01'));
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_member_add AFTER INSERT ON cluster_member FOR EACH ROW
    EXECUTE FUNCTION figure_total_member_add_fn();

CREATE FUNCTION figure_total_member_delete_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE OLD.joined_on <= (to_char(year, 'FM0000') || '-12-31')
        AND (OLD.left_on IS NULL OR OLD.left_on >= (to_char(year, 'FM0000') || '-01-01'));
    DELETE FROM figure_total_row WHERE OLD.joined_on <= (to_char(year, 'FM0000') || '-12-31')
        AND (OLD.left_on IS NULL OR OLD.left_on >= (to_char(year, 'FM0000') || '-01-01'));
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_member_delete AFTER DELETE ON cluster_member FOR EACH ROW
    EXECUTE FUNCTION figure_total_member_delete_fn();

-- Ending a membership today changes no past year: only the years where
-- the old and the new row disagree about overlapping are dropped (all the
-- overlapped years when the row moved to another cluster or member).
CREATE FUNCTION figure_total_member_update_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE
        ((OLD.joined_on <= (to_char(year, 'FM0000') || '-12-31')
          AND (OLD.left_on IS NULL OR OLD.left_on >= (to_char(year, 'FM0000') || '-01-01')))
         IS DISTINCT FROM (NEW.joined_on <= (to_char(year, 'FM0000') || '-12-31')
          AND (NEW.left_on IS NULL OR NEW.left_on >= (to_char(year, 'FM0000') || '-01-01'))))
        OR ((OLD.cluster_id IS DISTINCT FROM NEW.cluster_id OR OLD.org_id IS DISTINCT FROM NEW.org_id)
            AND ((OLD.joined_on <= (to_char(year, 'FM0000') || '-12-31')
                  AND (OLD.left_on IS NULL OR OLD.left_on >= (to_char(year, 'FM0000') || '-01-01')))
              OR (NEW.joined_on <= (to_char(year, 'FM0000') || '-12-31')
                  AND (NEW.left_on IS NULL OR NEW.left_on >= (to_char(year, 'FM0000') || '-01-01')))));
    DELETE FROM figure_total_row WHERE NOT EXISTS (SELECT 1 FROM figure_total_done d
        WHERE d.year = figure_total_row.year AND d.scope = figure_total_row.scope
        AND d.cluster_id = figure_total_row.cluster_id AND d.grp = figure_total_row.grp);
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_member_update AFTER UPDATE OF cluster_id, org_id, joined_on, left_on ON cluster_member FOR EACH ROW
    EXECUTE FUNCTION figure_total_member_update_fn();

-- --- SCAN status: the years whose 31 December is on or after the date -----------

CREATE FUNCTION figure_total_scan_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1) AND (to_char(year, 'FM0000') || '-12-31') >= NEW.since;
    DELETE FROM figure_total_row WHERE scope IN (0, 1) AND (to_char(year, 'FM0000') || '-12-31') >= NEW.since;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_scan_add AFTER INSERT ON scan_membership FOR EACH ROW
    EXECUTE FUNCTION figure_total_scan_add_fn();

CREATE FUNCTION figure_total_scan_delete_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1) AND (to_char(year, 'FM0000') || '-12-31') >= OLD.since;
    DELETE FROM figure_total_row WHERE scope IN (0, 1) AND (to_char(year, 'FM0000') || '-12-31') >= OLD.since;
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_scan_delete AFTER DELETE ON scan_membership FOR EACH ROW
    EXECUTE FUNCTION figure_total_scan_delete_fn();

CREATE FUNCTION figure_total_scan_update_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1)
        AND (to_char(year, 'FM0000') || '-12-31') >= least(OLD.since, NEW.since);
    DELETE FROM figure_total_row WHERE scope IN (0, 1)
        AND (to_char(year, 'FM0000') || '-12-31') >= least(OLD.since, NEW.since);
    RETURN NULL;
END $fn$;
CREATE TRIGGER figure_total_scan_update AFTER UPDATE ON scan_membership FOR EACH ROW
    EXECUTE FUNCTION figure_total_scan_update_fn();

-- --- an organisation's keys ----------------------------------------------------------
-- A member's region, district or sectors changing drops the groupings
-- keyed by them: org.c does it in its writers (with the facet counts
-- below), not a trigger on org (see there). Deleting an organisation
-- with memberships is refused (foreign keys); its SCAN history, which
-- cascades, drops its years through the triggers above.

-- === The directory's facet counts ===================================================
-- /orgs counts every facet value (kind, sector, thematic field, region,
-- district, geographical focus) among the entries matching the other
-- filters; with no other filter that was six GROUP BYs over 100,000
-- entries on every uncached render (0.7 s of CPU). org_facet_count keeps
-- those counts per status and kind, exactly what the facet statements of org.c
-- (list_parts, V_FACET) give with the status filter alone (summed over
-- kinds) or with the kind filter too, kept by org.c's
-- writers in the transaction of every write (not by triggers: a trigger
-- on org or its code tables makes each statement open a savepoint, and
-- FTS5 flushes its pending index at each, which doubled the cost of the
-- entry import). For the two trees
-- (NACE, FOS) a top-level code counts each entry once however many of its
-- sub-codes it has; a sub-code counts the entries that have it.

CREATE TABLE org_facet_count (
    status TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,          -- the entries' kind ('' for none): /orgs?kind=X reads it too
    facet TEXT COLLATE "C" NOT NULL,         -- kind, sector, fos, region, district, geo
    code TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, kind, facet, code)
);

INSERT INTO org_facet_count(status, kind, facet, code, n)
    SELECT status, coalesce(kind, ''), 'kind', kind, count(*) FROM org WHERE kind IS NOT NULL
        GROUP BY 1, 2, 4
    UNION ALL SELECT status, coalesce(kind, ''), 'region', region, count(*) FROM org
        WHERE region IS NOT NULL GROUP BY 1, 2, 4
    UNION ALL SELECT status, coalesce(kind, ''), 'district', district, count(*) FROM org
        WHERE district IS NOT NULL GROUP BY 1, 2, 4
    UNION ALL SELECT o.status, coalesce(o.kind, ''), 'geo', g.code, count(*) FROM org o
        JOIN org_geo g ON g.org_id = o.id GROUP BY 1, 2, 4
    UNION ALL SELECT o.status, coalesce(o.kind, ''), 'sector', coalesce(n.parent, s.code),
        count(DISTINCT o.id) FROM org o JOIN org_sector s ON s.org_id = o.id
        JOIN ref_nace n ON n.code = s.code GROUP BY 1, 2, 4
    UNION ALL SELECT o.status, coalesce(o.kind, ''), 'sector', s.code, count(*)
        FROM org o JOIN org_sector s ON s.org_id = o.id JOIN ref_nace n ON n.code = s.code
        WHERE n.parent IS NOT NULL GROUP BY 1, 2, 4
    UNION ALL SELECT o.status, coalesce(o.kind, ''), 'fos', coalesce(n.parent, s.code),
        count(DISTINCT o.id) FROM org o JOIN org_fos s ON s.org_id = o.id
        JOIN ref_fos n ON n.code = s.code GROUP BY 1, 2, 4
    UNION ALL SELECT o.status, coalesce(o.kind, ''), 'fos', s.code, count(*)
        FROM org o JOIN org_fos s ON s.org_id = o.id JOIN ref_fos n ON n.code = s.code
        WHERE n.parent IS NOT NULL GROUP BY 1, 2, 4;
