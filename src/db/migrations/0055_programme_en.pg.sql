-- 0055_programme_en.sql: a programme's English name beside its Serbian one
-- (issue 14 review). Projects and calls name their programme as free text,
-- typed once, in Serbian; English readers saw "Програм развоја кластера".
-- programme_en is optional: an old row (NULL) shows the Serbian name to
-- every reader, as before, and filters keep matching the Serbian name.
ALTER TABLE project ADD COLUMN programme_en TEXT COLLATE "C";
ALTER TABLE funding_call ADD COLUMN programme_en TEXT COLLATE "C";
