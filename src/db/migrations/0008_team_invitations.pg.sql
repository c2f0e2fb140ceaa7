-- PostgreSQL text of 0008_team_invitations.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0008_team_invitations.sql: a management team row may be an invitation
-- (invited = 1) until the invited person, logged in, accepts it. The team
-- form invites by e-mail address and answers the same whether or not the
-- address has an account, so it cannot be used to find out who has one;
-- invitations are never shown on the public profile.
ALTER TABLE cluster_team ADD COLUMN invited BIGINT NOT NULL DEFAULT 0 CHECK (invited IN (0, 1));
