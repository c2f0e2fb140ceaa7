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
    year INTEGER NOT NULL,
    scope INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL, -- 0 unless scope 2
    grp INTEGER NOT NULL,
    PRIMARY KEY (year, scope, cluster_id, grp)
) STRICT, WITHOUT ROWID;

CREATE TABLE figure_total_row (
    year INTEGER NOT NULL,
    scope INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL,
    grp INTEGER NOT NULL,
    key TEXT NOT NULL,           -- 'all', cluster org id, NACE section, region, district, '?'
    members INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    verified INTEGER NOT NULL,
    employees INTEGER NOT NULL,
    revenue INTEGER NOT NULL,    -- cents
    exports INTEGER NOT NULL,
    rnd INTEGER NOT NULL,
    rev_both INTEGER NOT NULL,   -- revenue of rows that give exports too
    exp_both INTEGER NOT NULL,   -- exports of rows that give revenue too
    demo INTEGER NOT NULL,       -- counted rows that are demo data
    PRIMARY KEY (year, scope, cluster_id, grp, key)
) STRICT, WITHOUT ROWID;

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

CREATE TRIGGER figure_total_add AFTER INSERT ON org_figure
WHEN EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)
BEGIN
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year)));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
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
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
END;

CREATE TRIGGER figure_total_take AFTER DELETE ON org_figure
WHEN EXISTS (SELECT 1 FROM figure_total_done WHERE year = OLD.year)
BEGIN
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year)));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
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
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
END;

CREATE TRIGGER figure_total_change AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure
WHEN OLD.org_id = NEW.org_id AND OLD.year = NEW.year AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)
BEGIN
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL) - (OLD.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0) - coalesce(OLD.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0) - coalesce(OLD.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0) - coalesce(OLD.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0) - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo + NEW.is_demo - OLD.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year)));
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL) - (OLD.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0) - coalesce(OLD.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0) - coalesce(OLD.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0) - coalesce(OLD.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0) - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo + NEW.is_demo - OLD.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET verified = verified + (NEW.verified_at IS NOT NULL) - (OLD.verified_at IS NOT NULL),
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
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
END;

CREATE TRIGGER figure_total_move_take AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure
WHEN (OLD.org_id IS NOT NEW.org_id OR OLD.year IS NOT NEW.year) AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = OLD.year)
BEGIN
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year)));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
        employees = employees - coalesce(OLD.employees, 0),
        revenue = revenue - coalesce(OLD.revenue_eur, 0),
        exports = exports - coalesce(OLD.exports_eur, 0),
        rnd = rnd - coalesce(OLD.rnd_eur, 0),
        rev_both = rev_both - CASE WHEN OLD.exports_eur IS NULL THEN 0 ELSE coalesce(OLD.revenue_eur, 0) END,
        exp_both = exp_both - CASE WHEN OLD.revenue_eur IS NULL THEN 0 ELSE coalesce(OLD.exports_eur, 0) END,
        demo = demo - OLD.is_demo
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = OLD.org_id AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported - 1,
        verified = verified - (OLD.verified_at IS NOT NULL),
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
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = OLD.org_id
            AND m.joined_on <= printf('%04d-12-31', OLD.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', OLD.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', OLD.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
END;

CREATE TRIGGER figure_total_move_add AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure
WHEN (OLD.org_id IS NOT NEW.org_id OR OLD.year IS NOT NEW.year) AND EXISTS (SELECT 1 FROM figure_total_done WHERE year = NEW.year)
BEGIN
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope = 2 AND grp = 0 AND key = 'all' AND cluster_id IN (
        SELECT m.cluster_id FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year)));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
        employees = employees + coalesce(NEW.employees, 0),
        revenue = revenue + coalesce(NEW.revenue_eur, 0),
        exports = exports + coalesce(NEW.exports_eur, 0),
        rnd = rnd + coalesce(NEW.rnd_eur, 0),
        rev_both = rev_both + CASE WHEN NEW.exports_eur IS NULL THEN 0 ELSE coalesce(NEW.revenue_eur, 0) END,
        exp_both = exp_both + CASE WHEN NEW.revenue_eur IS NULL THEN 0 ELSE coalesce(NEW.exports_eur, 0) END,
        demo = demo + NEW.is_demo
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 1
        AND key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
        AND (scope = 0 OR key IN (SELECT printf('%d', m.cluster_id) FROM cluster_member m
            WHERE m.org_id = NEW.org_id AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')));
    UPDATE figure_total_row SET reported = reported + 1,
        verified = verified + (NEW.verified_at IS NOT NULL),
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
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder'))
            ELSE EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = NEW.org_id
            AND m.joined_on <= printf('%04d-12-31', NEW.year)
            AND (m.left_on IS NULL OR m.left_on >= printf('%04d-01-01', NEW.year))
            AND (SELECT x.status FROM scan_membership x WHERE x.org_id = m.cluster_id
                AND x.since <= printf('%04d-12-31', NEW.year)
                ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('founder')) END;
END;

-- --- memberships: drop the years whose overlap changes ------------------------------

CREATE TRIGGER figure_total_member_add AFTER INSERT ON cluster_member BEGIN
    DELETE FROM figure_total_done WHERE NEW.joined_on <= printf('%04d-12-31', year)
        AND (NEW.left_on IS NULL OR NEW.left_on >= printf('%04d-01-01', year));
    DELETE FROM figure_total_row WHERE NEW.joined_on <= printf('%04d-12-31', year)
        AND (NEW.left_on IS NULL OR NEW.left_on >= printf('%04d-01-01', year));
END;

CREATE TRIGGER figure_total_member_delete AFTER DELETE ON cluster_member BEGIN
    DELETE FROM figure_total_done WHERE OLD.joined_on <= printf('%04d-12-31', year)
        AND (OLD.left_on IS NULL OR OLD.left_on >= printf('%04d-01-01', year));
    DELETE FROM figure_total_row WHERE OLD.joined_on <= printf('%04d-12-31', year)
        AND (OLD.left_on IS NULL OR OLD.left_on >= printf('%04d-01-01', year));
END;

-- Ending a membership today changes no past year: only the years where
-- the old and the new row disagree about overlapping are dropped (all the
-- overlapped years when the row moved to another cluster or member).
CREATE TRIGGER figure_total_member_update AFTER UPDATE OF cluster_id, org_id, joined_on, left_on
    ON cluster_member BEGIN
    DELETE FROM figure_total_done WHERE
        ((OLD.joined_on <= printf('%04d-12-31', year)
          AND (OLD.left_on IS NULL OR OLD.left_on >= printf('%04d-01-01', year)))
         IS NOT (NEW.joined_on <= printf('%04d-12-31', year)
          AND (NEW.left_on IS NULL OR NEW.left_on >= printf('%04d-01-01', year))))
        OR ((OLD.cluster_id IS NOT NEW.cluster_id OR OLD.org_id IS NOT NEW.org_id)
            AND ((OLD.joined_on <= printf('%04d-12-31', year)
                  AND (OLD.left_on IS NULL OR OLD.left_on >= printf('%04d-01-01', year)))
              OR (NEW.joined_on <= printf('%04d-12-31', year)
                  AND (NEW.left_on IS NULL OR NEW.left_on >= printf('%04d-01-01', year)))));
    DELETE FROM figure_total_row WHERE NOT EXISTS (SELECT 1 FROM figure_total_done d
        WHERE d.year = figure_total_row.year AND d.scope = figure_total_row.scope
        AND d.cluster_id = figure_total_row.cluster_id AND d.grp = figure_total_row.grp);
END;

-- --- SCAN status: the years whose 31 December is on or after the date -----------

CREATE TRIGGER figure_total_scan_add AFTER INSERT ON scan_membership BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1) AND printf('%04d-12-31', year) >= NEW.since;
    DELETE FROM figure_total_row WHERE scope IN (0, 1) AND printf('%04d-12-31', year) >= NEW.since;
END;

CREATE TRIGGER figure_total_scan_delete AFTER DELETE ON scan_membership BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1) AND printf('%04d-12-31', year) >= OLD.since;
    DELETE FROM figure_total_row WHERE scope IN (0, 1) AND printf('%04d-12-31', year) >= OLD.since;
END;

CREATE TRIGGER figure_total_scan_update AFTER UPDATE ON scan_membership BEGIN
    DELETE FROM figure_total_done WHERE scope IN (0, 1)
        AND printf('%04d-12-31', year) >= min(OLD.since, NEW.since);
    DELETE FROM figure_total_row WHERE scope IN (0, 1)
        AND printf('%04d-12-31', year) >= min(OLD.since, NEW.since);
END;

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
    status TEXT NOT NULL,
    kind TEXT NOT NULL,          -- the entries' kind ('' for none): /orgs?kind=X reads it too
    facet TEXT NOT NULL,         -- kind, sector, fos, region, district, geo
    code TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (status, kind, facet, code)
) STRICT, WITHOUT ROWID;

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
