-- 0053_population_checked.sql: the district populations of 0031, checked
-- value by value on 2026-12-05 (issue 17). 0031 shipped them "typed from
-- memory, not yet checked". Source: Statistical Office of the Republic of
-- Serbia (RZS), 2022 Census of Population, Households and Dwellings, final
-- results (reference date 30 September 2022), population by area (oblast):
-- Book 1 "Ethnicity - data by municipalities and cities" (28 April 2023,
-- publikacije.stat.gov.rs/G2023/Pdf/G20234001.pdf). The RZS table itself
-- could not be opened from where the check was made; each value was
-- compared with reproductions of it that cite RZS (citypopulation.de's
-- district tables, the districts' Wikipedia articles citing G20234001,
-- UNdata's Demographic Statistics for Belgrade). 22 of the 25 agree there
-- exactly; Central Banat, South Banat and Rasina were found in no
-- reproduction, but all 25 add up to the published national total of
-- 6,647,003, so with the other 22 right those three sum right. No value
-- was wrong; only the source text changes. Licence: figures of official
-- statistics, which RZS lets anyone reuse with RZS named as the source
-- (its terms of use; not re-read for this check). docs/DATA.md keeps
-- this note for readers.
UPDATE ref_population
SET source = 'RZS, Census 2022 final results (Book 1, 2023), population by area; checked 2026-12-05 against reproductions of the RZS table'
WHERE year = 2022 AND district NOT IN ('SREDNJEBANATSKI', 'JUZNOBANATSKI', 'RASINSKI');
UPDATE ref_population
SET source = 'RZS, Census 2022 final results (Book 1, 2023), population by area; consistent with the RZS total, no reproduction of this row found'
WHERE year = 2022 AND district IN ('SREDNJEBANATSKI', 'JUZNOBANATSKI', 'RASINSKI');
