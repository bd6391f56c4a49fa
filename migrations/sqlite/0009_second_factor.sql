-- A second factor for logins (issue 11, point 7): TOTP (RFC 6238: HMAC-SHA1, 30-second
-- steps, 6 digits) and one-time recovery codes. Required for staff, optional for customers.
-- Times are Unix seconds (UTC).

-- One authenticator per login. `confirmed_at` is NULL while an enrolment waits for its
-- first code; `last_step` is the newest time step a code was accepted for, so a code (or
-- any older one) is never accepted twice. The secret (base32) is never sent again once
-- the enrolment is confirmed.
CREATE TABLE second_factors (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT    NOT NULL CHECK (length(secret) >= 32),
    created_at   INTEGER NOT NULL,
    confirmed_at INTEGER,
    last_step    INTEGER NOT NULL DEFAULT 0 CHECK (last_step >= 0)
);
CREATE TRIGGER second_factors_steps_only_grow BEFORE UPDATE OF last_step ON second_factors
WHEN NEW.last_step < OLD.last_step
BEGIN SELECT RAISE(ABORT, 'a used time step cannot be accepted again'); END;

-- Recovery codes, stored as SHA-256 (they are 50 random bits each); each works once.
CREATE TABLE recovery_codes (
    code_hash  TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
CREATE TRIGGER recovery_codes_used_once BEFORE UPDATE ON recovery_codes
WHEN OLD.used_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a recovery code works once'); END;

-- When the session last passed a second-factor check (the trade clock's Unix seconds):
-- money, tariff, limit and role changes need one within the last 10 minutes.
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER;

-- Staff sessions from before the second factor end: the next login asks for it.
UPDATE sessions SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER)
 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE kind = 'staff');
