-- 0038_newsletter_throttle.sql: the newsletter's public subscriptions are
-- throttled per client address (issue 17 fixes: one client had 160
-- confirmation mails sent). The count is of the audit rows that every
-- mailed confirmation already writes (action newsletter_subscribe, with
-- the client's address); this small partial index lets the per-address
-- count read only those rows instead of the last hour of the whole log.
-- The per-e-mail count uses audit_entity (entity, entity_id).
CREATE INDEX audit_newsletter_subscribe ON audit(ip, at) WHERE action = 'newsletter_subscribe';
