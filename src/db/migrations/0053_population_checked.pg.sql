-- 0053_population_checked.pg.sql: the same statements as
-- 0053_population_checked.sql, whose header says what was checked and how.
UPDATE ref_population
SET source = 'RZS, Census 2022 final results (Book 1, 2023), population by area; checked 2026-12-05 against reproductions of the RZS table'
WHERE year = 2022 AND district NOT IN ('SREDNJEBANATSKI', 'JUZNOBANATSKI', 'RASINSKI');
UPDATE ref_population
SET source = 'RZS, Census 2022 final results (Book 1, 2023), population by area; consistent with the RZS total, no reproduction of this row found'
WHERE year = 2022 AND district IN ('SREDNJEBANATSKI', 'JUZNOBANATSKI', 'RASINSKI');
