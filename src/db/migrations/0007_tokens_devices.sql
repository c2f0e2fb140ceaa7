-- 0007_tokens_devices.sql: API tokens expire, and browsers that logged in
-- to an account are remembered (device cookies) so the account-wide login
-- cap cannot lock their owner out.
--
-- expires_at: every token has one (chosen at creation, at most a year).
-- Tokens made before this migration get 90 days from their creation, but
-- never less than 30 days from now, so scripts do not break overnight.
ALTER TABLE api_token ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_token
   SET expires_at = max(created_at + 90 * 86400, CAST(strftime('%s', 'now') AS INTEGER) + 30 * 86400);

-- A browser that logged in successfully to an account: the cookie holds 32
-- random bytes, stored only as their BLAKE2b hash, like sessions. With it,
-- a correct password passes the account-wide failure cap (the per-address
-- limits still apply). Renewed at each successful login.
CREATE TABLE login_device (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_login_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_device_account ON login_device(account_id);

-- Failures are now counted per (account, address) as well.
CREATE INDEX login_failure_email_ip ON login_failure(email, ip, at);
