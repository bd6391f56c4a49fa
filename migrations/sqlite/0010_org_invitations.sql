-- Invitations of an organisation, kept by address until accepted (issue 11, point 15).
-- An invitation makes no login: the login is made when the link is used, so inviting an
-- address answers and looks the same whether or not the address already has a login.
-- Times are Unix seconds (UTC). The link's token is stored as its SHA-256 only.
CREATE TABLE org_invitations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    email        TEXT    NOT NULL CHECK (email = lower(email)),
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'payer', 'viewer')),
    language     TEXT    NOT NULL CHECK (language IN ('zh-CN', 'en')),
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    withdrawn_at INTEGER,
    CHECK (accepted_at IS NULL OR withdrawn_at IS NULL)
);
CREATE INDEX org_invitations_by_org ON org_invitations (org_id, email);

-- An answered invitation stays answered: accepted or withdrawn, once. The login an
-- acceptance made is named in its audit entry (`invitation.accepted`).
CREATE TRIGGER org_invitations_answered_once BEFORE UPDATE ON org_invitations
WHEN OLD.accepted_at IS NOT NULL OR OLD.withdrawn_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an answered invitation cannot change'); END;
