-- PostgreSQL text of 0031_panorama.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0031_panorama.sql: the reference tables of the district map and of the
-- location quotient (issue 17): population by district (per capita
-- measures of /map) and employment by district and NACE section (the
-- location quotient, loaded with `scan ref import`).

-- Population by district and census year. Kosovo and Metohija has no row:
-- the 2022 census was not held there, so its districts show "no data".
CREATE TABLE ref_population (
    district TEXT COLLATE "C" NOT NULL REFERENCES ref_district(code),
    year BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 2100),
    population BIGINT NOT NULL CHECK (population > 0),
    source TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (district, year)
);

-- Statistical Office of the Republic of Serbia (RZS), 2022 Census of
-- Population, Households and Dwellings, final results: population by
-- area (oblast). The 25 districts and the City of Belgrade add up to the
-- published total of 6,647,003. The district figures were typed from memory
-- of the published tables and are not yet checked against them: the map
-- says so beside its per-inhabitant measures.
INSERT INTO ref_population(district, year, population, source) VALUES
    ('BEOGRAD', 2022, 1681405, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('SEVERNOBACKI', 2022, 160163, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('SREDNJEBANATSKI', 2022, 157711, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('SEVERNOBANATSKI', 2022, 117896, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('JUZNOBANATSKI', 2022, 260244, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('ZAPADNOBACKI', 2022, 154491, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('JUZNOBACKI', 2022, 607178, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('SREMSKI', 2022, 282547, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('MACVANSKI', 2022, 265377, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('KOLUBARSKI', 2022, 154497, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('PODUNAVSKI', 2022, 175573, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('BRANICEVSKI', 2022, 156367, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('SUMADIJSKI', 2022, 269728, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('POMORAVSKI', 2022, 182047, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('BORSKI', 2022, 101100, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('ZAJECARSKI', 2022, 96715, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('ZLATIBORSKI', 2022, 254659, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('MORAVICKI', 2022, 189281, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('RASKI', 2022, 296532, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('RASINSKI', 2022, 207197, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('NISAVSKI', 2022, 343950, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('TOPLICKI', 2022, 77341, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('PIROTSKI', 2022, 76700, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('JABLANICKI', 2022, 184502, 'RZS, Census 2022 (not yet checked against the RZS table)'),
    ('PCINJSKI', 2022, 193802, 'RZS, Census 2022 (not yet checked against the RZS table)');

-- Employment by district and NACE section (a letter) for a year, as the
-- statistical office publishes it: the reference area of the location
-- quotient. Replaced year by year by `scan ref import FILE` (all rows of
-- the years in the file, in one transaction). is_demo marks the demo's
-- illustrative table.
CREATE TABLE ref_employment (
    district TEXT COLLATE "C" NOT NULL REFERENCES ref_district(code),
    nace TEXT COLLATE "C" NOT NULL REFERENCES ref_nace(code),
    year BIGINT NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    employees BIGINT NOT NULL CHECK (employees >= 0),
    source TEXT COLLATE "C" NOT NULL,
    is_demo BIGINT NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    imported_at BIGINT NOT NULL,
    imported_by BIGINT REFERENCES person(id),
    PRIMARY KEY (year, district, nace)
);
