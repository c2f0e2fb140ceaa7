-- 0042_position_signature_weight.sql: drops the weight kept beside each
-- position signature (w_year .. w_exports_cents, 0027). Each row held the
-- running total right after it was given, so the difference of two rows was
-- one signatory's own figures; since the review of issue 16 nothing writes
-- or reads them (the weight is computed from the live signatures, sums only
-- when no single organisation's figures can be read from them: position.h).
-- Dropped rather than cleared so no later code can fill them again. The
-- columns are in no index, constraint or view, so SQLite (3.35+) drops them
-- in place.
ALTER TABLE position_signature DROP COLUMN w_year;
ALTER TABLE position_signature DROP COLUMN w_members;
ALTER TABLE position_signature DROP COLUMN w_reported;
ALTER TABLE position_signature DROP COLUMN w_employees;
ALTER TABLE position_signature DROP COLUMN w_revenue_cents;
ALTER TABLE position_signature DROP COLUMN w_exports_cents;
