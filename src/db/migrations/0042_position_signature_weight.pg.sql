-- 0042_position_signature_weight.pg.sql: the PostgreSQL text of
-- 0042_position_signature_weight.sql (drafted with tools/pg_dialect.py,
-- which changes nothing here): drops the weight kept beside each position
-- signature, whose rows subtracted gave one signatory's own figures and
-- which nothing writes or reads since the review of issue 16. One ALTER
-- TABLE drops the six columns at once.
ALTER TABLE position_signature
    DROP COLUMN w_year,
    DROP COLUMN w_members,
    DROP COLUMN w_reported,
    DROP COLUMN w_employees,
    DROP COLUMN w_revenue_cents,
    DROP COLUMN w_exports_cents;
