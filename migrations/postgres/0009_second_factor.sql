-- A second factor for logins (issue 11, point 7): TOTP (RFC 6238: HMAC-SHA1, 30-second
-- steps, 6 digits) and one-time recovery codes. Required for staff, optional for customers.
-- Times are Unix seconds (UTC).

-- One authenticator per login. `confirmed_at` is NULL while an enrolment waits for its
-- first code; `last_step` is the newest time step a code was accepted for, so a code (or
-- any older one) is never accepted twice. The secret (base32) is never sent again once
-- the enrolment is confirmed.
CREATE TABLE second_factors (
    user_id      BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT    NOT NULL CHECK (length(secret) >= 32),
    created_at   BIGINT  NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT  NOT NULL DEFAULT 0 CHECK (last_step >= 0)
);
CREATE FUNCTION second_factors_refuse_older_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_step < OLD.last_step THEN
        RAISE EXCEPTION 'a used time step cannot be accepted again';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER second_factors_steps_only_grow BEFORE UPDATE OF last_step ON second_factors
    FOR EACH ROW EXECUTE FUNCTION second_factors_refuse_older_step();

-- Recovery codes, stored as SHA-256 (they are 50 random bits each); each works once.
CREATE TABLE recovery_codes (
    code_hash  TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
CREATE FUNCTION recovery_codes_refuse_reuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.used_at IS NOT NULL THEN
        RAISE EXCEPTION 'a recovery code works once';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER recovery_codes_used_once BEFORE UPDATE ON recovery_codes
    FOR EACH ROW EXECUTE FUNCTION recovery_codes_refuse_reuse();

-- When the session last passed a second-factor check (the trade clock's Unix seconds):
-- money, tariff, limit and role changes need one within the last 10 minutes.
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT;

-- Staff sessions from before the second factor end: the next login asks for it.
UPDATE sessions SET revoked_at = CAST(extract(epoch FROM now()) AS BIGINT)
 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE kind = 'staff');
