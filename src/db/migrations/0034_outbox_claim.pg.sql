-- PostgreSQL text of 0034_outbox_claim.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0034_outbox_claim.sql: a claim step for the mail sender (issue 18, "Known
-- traps"): with two app servers on one database each sender read the same
-- due mails and sent every one twice. A sender first claims a batch in a
-- write transaction (claim_token its own random token, claimed_until
-- when the claim lapses), then sends only what it claimed; the outcome
-- clears the claim. A sender that dies mid-batch leaves claims that lapse,
-- and another sender takes those mails then (at least once: SMTP cannot
-- take part in a transaction).
ALTER TABLE outbox ADD COLUMN claim_token TEXT COLLATE "C";
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
