-- 0043_figure_total_district_sector.pg.sql: the PostgreSQL text of 0043 (plpgsql
-- trigger functions; see the .sql for what it keeps and why). The district x NACE-section grouping
-- of the SCAN (and founders) figures totals kept stored like the other
-- groupings of 0009, so /map's first render after a figures write reads
-- stored sums for the location quotients (panorama_lq_members) instead of
-- grouping every member again (341 ms at 100,000 entries).
--
-- grp 5 (FIG_GROUP_DISTRICT_SECTOR), key "<district> <section>" as the
-- reference statement (figures_total.c: coalesce(o.district, '?') || ' ' ||
-- the NACE section of the first sector, '?' for none). Filled whole from
-- the reference on first read (figure_total_done) like every set; then
-- kept by the five triggers below, one per org_figure trigger of 0009
-- (add, take, change, move_take, move_add), each the grp 5 twin of that
-- trigger's keyed statement. Memberships and SCAN status drop the year's
-- sets through 0009's triggers (grp 5 with them); a member's district or
-- sector change drops grp 5 in org_facet.c with the district and sector
-- groupings. Generated once from 0009's text (the same statement with the
-- key of grp 5) and reviewed by hand.

CREATE FUNCTION figure_total_ds_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 5
        AND key = (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id)
            || ' ' || coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
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
CREATE TRIGGER figure_total_ds_add AFTER INSERT ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_ds_add_fn();

CREATE FUNCTION figure_total_ds_take_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 5
        AND key = (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = OLD.org_id)
            || ' ' || coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = OLD.org_id
                ORDER BY x.code LIMIT 1), '?')
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
CREATE TRIGGER figure_total_ds_take AFTER DELETE ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_ds_take_fn();

CREATE FUNCTION figure_total_ds_change_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 5
        AND key = (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id)
            || ' ' || coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
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
CREATE TRIGGER figure_total_ds_change AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_ds_change_fn();

CREATE FUNCTION figure_total_ds_move_take_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WHERE year = OLD.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 5
        AND key = (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = OLD.org_id)
            || ' ' || coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = OLD.org_id
                ORDER BY x.code LIMIT 1), '?')
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
CREATE TRIGGER figure_total_ds_move_take AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_ds_move_take_fn();

CREATE FUNCTION figure_total_ds_move_add_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WHERE year = NEW.year AND scope IN (0, 1) AND cluster_id = 0 AND grp = 5
        AND key = (SELECT coalesce(o.district, '?') FROM org o WHERE o.id = NEW.org_id)
            || ' ' || coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x
                JOIN ref_nace n ON n.code = x.code WHERE x.org_id = NEW.org_id
                ORDER BY x.code LIMIT 1), '?')
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
CREATE TRIGGER figure_total_ds_move_add AFTER UPDATE OF org_id, year, employees, revenue_eur, exports_eur, rnd_eur, verified_at, is_demo ON org_figure FOR EACH ROW
    EXECUTE FUNCTION figure_total_ds_move_add_fn();

