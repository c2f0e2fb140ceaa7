-- 0041_pg_compat.pg.sql: SQLite's functions on PostgreSQL, for the subset
-- the model's SQL uses (0041_pg_compat.sql does nothing on SQLite). Each
-- gives what SQLite gives for those uses:
--   date(x, modifiers...)          'YYYY-MM-DD'; x a 'YYYY-MM-DD[ HH:MM[:SS]]'
--                                  text, 'now', or with 'unixepoch' a unix time
--   strftime(format, x, modifiers...)  %Y %m %d %H %M %S %j %s %w %%
--   julianday(x)                   the Julian day number (double)
--   printf(format, integer)        one %d conversion, with width and 0 flag
--   instr(haystack, needle)        1-based position, 0 when absent
--   max(a, b), min(a, b)          scalar, NULL when either is NULL
--   group_concat(x [, separator])  aggregate; NULLs skipped, ',' by default
-- Modifiers: 'unixepoch' (first), 'localtime' and 'utc', '+N days' and the
-- other '+N unit' forms (units: days, hours, minutes, seconds, months,
-- years; SQLite normalises 31 Jan + 1 month to 2 or 3 March where
-- PostgreSQL gives 28/29 February: the model adds days only), 'start of
-- day|month|year'. An unknown modifier or an unreadable time gives NULL, as
-- on SQLite. Times are UTC as on SQLite; 'localtime' is the server
-- process's zone, which scan always sets to Europe/Belgrade
-- (core/timeutil.c), so it is written here.

-- The wall-clock time SQLite computes for x and its modifiers (UTC unless
-- 'localtime' was applied); NULL where SQLite gives NULL.
CREATE FUNCTION scan_sqlite_time(x text, mods text[]) RETURNS timestamp
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t timestamp;
  m text;
  i integer := 1;
  n integer := coalesce(array_length(mods, 1), 0);
BEGIN
  IF x IS NULL THEN
    RETURN NULL;
  END IF;
  IF n >= 1 AND lower(mods[1]) = 'unixepoch' THEN
    IF x !~ '^\s*[-+]?[0-9]+(\.[0-9]*)?\s*$' THEN
      RETURN NULL;
    END IF;
    t := to_timestamp(x::double precision) AT TIME ZONE 'UTC';
    i := 2;
  ELSIF lower(x) = 'now' THEN
    t := statement_timestamp() AT TIME ZONE 'UTC';
  ELSIF x ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$' THEN
    BEGIN
      t := x::timestamp;
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END;
  ELSE
    RETURN NULL;
  END IF;
  WHILE i <= n LOOP
    m := lower(btrim(mods[i]));
    IF m IS NULL THEN
      RETURN NULL;
    ELSIF m = 'localtime' THEN
      t := (t AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Belgrade';
    ELSIF m = 'utc' THEN
      t := (t AT TIME ZONE 'Europe/Belgrade') AT TIME ZONE 'UTC';
    ELSIF m = 'start of day' THEN
      t := date_trunc('day', t);
    ELSIF m = 'start of month' THEN
      t := date_trunc('month', t);
    ELSIF m = 'start of year' THEN
      t := date_trunc('year', t);
    ELSIF m ~ '^[-+]?[0-9]+(\.[0-9]+)? *(day|hour|minute|second|month|year)s?$' THEN
      t := t + m::interval;
    ELSE
      RETURN NULL;
    END IF;
    i := i + 1;
  END LOOP;
  RETURN t;
END
$$;

CREATE FUNCTION date(x text, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT to_char(scan_sqlite_time(x, mods), 'YYYY-MM-DD') $$;
CREATE FUNCTION date(x bigint, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT to_char(scan_sqlite_time(x::text, mods), 'YYYY-MM-DD') $$;

-- SQLite's strftime conversions, one character at a time (to_char would
-- read letters of the format as its own patterns).
CREATE FUNCTION scan_sqlite_strftime(fmt text, t timestamp) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out text := '';
  c text;
  i integer := 1;
  n integer := length(fmt);
BEGIN
  IF fmt IS NULL OR t IS NULL THEN
    RETURN NULL;
  END IF;
  WHILE i <= n LOOP
    c := substr(fmt, i, 1);
    IF c <> '%' THEN
      out := out || c;
    ELSE
      i := i + 1;
      c := substr(fmt, i, 1);
      out := out || CASE c
        WHEN 'Y' THEN to_char(t, 'YYYY')
        WHEN 'm' THEN to_char(t, 'MM')
        WHEN 'd' THEN to_char(t, 'DD')
        WHEN 'H' THEN to_char(t, 'HH24')
        WHEN 'M' THEN to_char(t, 'MI')
        WHEN 'S' THEN to_char(t, 'SS')
        WHEN 'j' THEN to_char(t, 'DDD')
        WHEN 'w' THEN extract(dow FROM t)::integer::text
        WHEN 's' THEN floor(extract(epoch FROM t))::bigint::text
        WHEN '%' THEN '%'
        ELSE NULL END;
      IF out IS NULL THEN
        RETURN NULL; -- a conversion SQLite has and this does not: say nothing rather than wrong
      END IF;
    END IF;
    i := i + 1;
  END LOOP;
  RETURN out;
END
$$;

CREATE FUNCTION strftime(fmt text, x text, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT scan_sqlite_strftime(fmt, scan_sqlite_time(x, mods)) $$;
CREATE FUNCTION strftime(fmt text, x bigint, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT scan_sqlite_strftime(fmt, scan_sqlite_time(x::text, mods)) $$;
CREATE FUNCTION strftime(fmt text, x text) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT scan_sqlite_strftime(fmt, scan_sqlite_time(x, '{}')) $$;

CREATE FUNCTION julianday(x text) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT extract(epoch FROM scan_sqlite_time(x, '{}'))::double precision / 86400.0 + 2440587.5
$$;

-- printf with one integer conversion: %d, %Nd (spaces), %0Nd (zeros).
CREATE FUNCTION printf(fmt text, v bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m text[];
  s text;
  w integer;
  p integer;
BEGIN
  IF fmt IS NULL THEN
    RETURN NULL;
  END IF;
  m := regexp_match(fmt, '%(0?)([0-9]*)d');
  IF m IS NULL THEN
    RAISE EXCEPTION 'printf: format % has no %%d conversion', fmt;
  END IF;
  s := coalesce(v, 0)::text; -- SQLite prints a NULL argument as 0
  w := coalesce(nullif(m[2], '')::integer, 0);
  IF length(s) < w THEN
    IF m[1] = '0' THEN
      IF v < 0 THEN
        s := '-' || lpad((-v)::text, w - 1, '0');
      ELSE
        s := lpad(s, w, '0');
      END IF;
    ELSE
      s := lpad(s, w, ' ');
    END IF;
  END IF;
  p := strpos(fmt, '%' || m[1] || m[2] || 'd');
  RETURN replace(substr(fmt, 1, p - 1), '%%', '%') || s
      || replace(substr(fmt, p + length(m[1]) + length(m[2]) + 2), '%%', '%');
END
$$;

CREATE FUNCTION instr(haystack text, needle text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT strpos(haystack, needle) $$;

-- group_concat: SQLite's aggregate (NULL values skipped; NULL when there
-- is none; no order promised, as on SQLite).
CREATE FUNCTION scan_group_concat_step(acc text, v text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || coalesce(sep, '') || v END
$$;
CREATE FUNCTION scan_group_concat_step(acc text, v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || ',' || v END
$$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = scan_group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(text) (SFUNC = scan_group_concat_step, STYPE = text);

-- SQLite's two-argument scalar max() and min(): NULL when either is NULL
-- (STRICT), where PostgreSQL's greatest/least skip NULLs. The one-argument
-- aggregates stay PostgreSQL's own.
CREATE FUNCTION max(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT greatest(a, b) $$;
CREATE FUNCTION min(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT least(a, b) $$;
