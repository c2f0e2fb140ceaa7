-- triggers.sql: portable SQL that fires every trigger of the migrations
-- (the audit log's two guards apart, which tests/pg/migrations.sh checks
-- by their error), run by tests/pg/migrations.sh on a new SQLite and a new
-- PostgreSQL database; the stored figures totals must come out the same.
-- plpgsql checks a function's statements only when they run, so this is
-- what proves the translated trigger bodies, not their creation.
INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, region, district)
    VALUES (1, 'c1', 'Cluster one', 'cluster', 'published', 0, 0, NULL, NULL),
           (2, 'c2', 'Cluster two', 'cluster', 'published', 0, 0, NULL, NULL),
           (3, 'm3', 'Member three', 'company', 'published', 0, 0, 'BG', 'BEOGRAD'),
           (4, 'm4', 'Member four', 'company', 'published', 0, 0, NULL, NULL);
INSERT INTO org_sector(org_id, code) VALUES (3, '62');
INSERT INTO scan_membership(id, org_id, status, since, created_at)
    VALUES (1, 1, 'founder', '2020-01-01', 0), (2, 2, 'member', '2021-06-01', 0);
INSERT INTO cluster_member(id, cluster_id, org_id, role, joined_on, left_on)
    VALUES (1, 1, 3, 'member', '2019-01-01', NULL),
           (2, 2, 4, 'member', '2022-03-01', '2024-06-30');

-- stored sets for 2023 and 2024, as figures.c fills them (zeros: the
-- triggers then add what each write brings)
INSERT INTO figure_total_done(year, scope, cluster_id, grp) VALUES
    (2023, 0, 0, 0), (2023, 1, 0, 1), (2023, 2, 1, 0), (2023, 2, 2, 0),
    (2024, 0, 0, 0), (2024, 0, 0, 1), (2024, 2, 2, 0),
    (2023, 0, 0, 5), (2023, 1, 0, 5), (2024, 0, 0, 5);
INSERT INTO figure_total_row(year, scope, cluster_id, grp, key, members, reported, verified,
                             employees, revenue, exports, rnd, rev_both, exp_both, demo) VALUES
    (2023, 0, 0, 0, 'all', 2, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2023, 1, 0, 1, '1', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2023, 2, 1, 0, 'all', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2023, 2, 2, 0, 'all', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2024, 0, 0, 0, 'all', 2, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2024, 0, 0, 1, '2', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2024, 2, 2, 0, 'all', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    -- district x section (0043): m3 in BEOGRAD with a division of J, m4 with neither
    (2023, 0, 0, 5, 'BEOGRAD J', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2023, 0, 0, 5, '? ?', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2023, 1, 0, 5, 'BEOGRAD J', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2024, 0, 0, 5, 'BEOGRAD J', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2024, 0, 0, 5, '? ?', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);

-- org_figure: add, change, move to another year, take
INSERT INTO org_figure(id, org_id, year, employees, revenue_eur, exports_eur, rnd_eur, source,
                       is_demo, entered_at, verified_at)
    VALUES (1, 3, 2023, 10, 100000, 40000, NULL, 'self_reported', 0, 0, NULL),
           (2, 4, 2023, 5, 50000, NULL, 700, 'estimate', 1, 0, 5),
           (3, 4, 2024, 7, 70000, 20000, NULL, 'self_reported', 0, 0, NULL);
UPDATE org_figure SET employees = 12, verified_at = 9 WHERE id = 1;
DELETE FROM org_figure WHERE id = 3;
UPDATE org_figure SET year = 2024 WHERE id = 2;
INSERT INTO org_figure(id, org_id, year, employees, revenue_eur, exports_eur, rnd_eur, source,
                       is_demo, entered_at, verified_at)
    VALUES (4, 3, 2024, 1, 10, 5, 1, 'self_reported', 0, 0, NULL);

-- what the figures triggers stored, compared before the rest drops sets
CREATE TABLE total_snap AS SELECT * FROM figure_total_row;

-- memberships: a new one, an ended one, one gone (each drops the years
-- whose overlap changes)
INSERT INTO cluster_member(id, cluster_id, org_id, role, joined_on, left_on)
    VALUES (3, 2, 3, 'member', '2024-02-01', NULL);
UPDATE cluster_member SET left_on = '2023-12-31' WHERE id = 2;
DELETE FROM cluster_member WHERE id = 3;

-- SCAN status: a change from 2024 on, a new status, one gone
INSERT INTO figure_total_done(year, scope, cluster_id, grp) VALUES (2022, 0, 0, 0), (2025, 1, 0, 0);
INSERT INTO figure_total_row(year, scope, cluster_id, grp, key, members, reported, verified,
                             employees, revenue, exports, rnd, rev_both, exp_both, demo) VALUES
    (2022, 0, 0, 0, 'all', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (2025, 1, 0, 0, 'all', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
UPDATE scan_membership SET since = '2025-01-01' WHERE id = 2;
INSERT INTO scan_membership(id, org_id, status, since, created_at)
    VALUES (3, 1, 'left', '2026-01-01', 0);
DELETE FROM scan_membership WHERE id = 3;
