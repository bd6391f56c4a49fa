-- Identity and access (domain brief §1-2): who may log in, what they may see, and the
-- record of what they did. Times are Unix seconds (UTC). Secrets (session tokens, one-time
-- links, API tokens) are stored only as SHA-256 hashes; passwords only as argon2id hashes.

-- Supply stations (供电所): staff may be limited to some of them; accounts belong to one.
CREATE TABLE regions (
    code    TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

-- Everyone who logs in: residential customers, enterprise users and staff.
CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    kind               TEXT    NOT NULL CHECK (kind IN ('customer', 'enterprise', 'staff')),
    email              TEXT    NOT NULL UNIQUE CHECK (email = lower(email)),
    mobile             TEXT,
    display_name       TEXT    NOT NULL,
    password_hash      TEXT,
    email_confirmed_at INTEGER,
    language           TEXT    NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en')),
    email_notices      TEXT    NOT NULL DEFAULT '',
    disabled_at        INTEGER,
    created_at         INTEGER NOT NULL
);

-- Logged-in browsers. `expires_at` is the absolute end; idleness is judged by `last_seen_at`.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Companies with several service points.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- An enterprise user belongs to exactly one organisation, with one role.
CREATE TABLE org_members (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'payer', 'viewer')),
    created_at INTEGER NOT NULL
);
CREATE INDEX org_members_by_org ON org_members (org_id);

-- Electricity accounts / service points (户号). `last_bill_fen` is the amount of the last
-- bill (the proof a customer gives to link the account) until bills have their own table.
CREATE TABLE electricity_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_no     TEXT    NOT NULL UNIQUE,
    holder_name    TEXT    NOT NULL,
    supply_address TEXT    NOT NULL,
    region         TEXT    NOT NULL REFERENCES regions (code),
    customer_class TEXT    NOT NULL CHECK (customer_class IN ('residential', 'low_voltage', 'high_voltage', 'agricultural', 'temporary')),
    payment_mode   TEXT    NOT NULL CHECK (payment_mode IN ('postpaid', 'prepaid')),
    email_on_file  TEXT,
    org_id         INTEGER REFERENCES organisations (id),
    last_bill_fen  INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX electricity_accounts_by_org ON electricity_accounts (org_id);

-- Links sent by email: address confirmation, password reset, invitation; and the codes
-- that prove access to the address on file of an account. Each is used at most once.
CREATE TABLE one_time_tokens (
    token_hash TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password', 'invitation', 'link_code')),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES electricity_accounts (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX one_time_tokens_by_user ON one_time_tokens (user_id, purpose);

-- Logins linked to an account: a family can share one.
CREATE TABLE account_links (
    account_id INTEGER NOT NULL REFERENCES electricity_accounts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    proof      TEXT    NOT NULL CHECK (proof IN ('bill_amount', 'email_code')),
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_links_by_user ON account_links (user_id);

-- Staff roles (domain brief §1), several per person, and the regions they are limited to
-- (none: every region).
CREATE TABLE staff_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL CHECK (role IN ('agent', 'supervisor', 'connection_handler', 'billing_operator', 'key_account_manager', 'admin', 'auditor')),
    PRIMARY KEY (user_id, role)
);
CREATE TABLE staff_regions (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region  TEXT    NOT NULL REFERENCES regions (code),
    PRIMARY KEY (user_id, region)
);

-- Tokens an enterprise's own systems call the API with.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id);

-- Fixed-window counters for rate limits, shared by every server.
CREATE TABLE rate_limits (
    bucket       TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);

-- Email waiting to be sent (and sent). A worker leases a row, sends it, marks it sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Who did what, when and from where. Append-only: the triggers refuse changes.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_label TEXT    NOT NULL,
    ip          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
