-- Connection applications (业扩报装, domain brief §3), the working-day calendar (§8) and
-- in-app notices (§9). Times are Unix seconds; days are 'YYYY-MM-DD' in the utility's time
-- zone (they sort as text). Status history is append-only.

-- Step limits without a published figure: Gridhall defaults, editable by administrators.
INSERT INTO service_commitments (code, area, limit_value, unit, version, effective_from, sort_order, source, created_at) VALUES
    ('connection.step.acceptance',            'connection', 1, 'working_days', 1, '2025-01-01', 101, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z'),
    ('connection.step.site_survey',           'connection', 2, 'working_days', 1, '2025-01-01', 102, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z'),
    ('connection.step.design_review',         'connection', 5, 'working_days', 1, '2025-01-01', 103, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z'),
    ('connection.step.mid_inspection',        'connection', 3, 'working_days', 1, '2025-01-01', 104, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z'),
    ('connection.step.completion_inspection', 'connection', 3, 'working_days', 1, '2025-01-01', 105, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z'),
    ('connection.step.contract',              'connection', 1, 'working_days', 1, '2025-01-01', 106, 'Gridhall default (no published figure)', '2025-01-01T00:00:00Z');

-- One row per year: its public holidays and makeup workdays as JSON (shared::calendar::YearCalendar).
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    body       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

ALTER TABLE electricity_accounts ADD COLUMN contracted_kva INTEGER;
ALTER TABLE electricity_accounts ADD COLUMN voltage TEXT;
CREATE INDEX electricity_accounts_by_address ON electricity_accounts (supply_address);

-- An account created by energising an application is linked to its applicant with the
-- application as the proof. SQLite cannot alter a CHECK: the table is rebuilt.
CREATE TABLE account_links_new (
    account_id INTEGER NOT NULL REFERENCES electricity_accounts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    proof      TEXT    NOT NULL CHECK (proof IN ('bill_amount', 'email_code', 'application')),
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
INSERT INTO account_links_new (account_id, user_id, proof, linked_at) SELECT account_id, user_id, proof, linked_at FROM account_links;
DROP TABLE account_links;
ALTER TABLE account_links_new RENAME TO account_links;
CREATE INDEX account_links_by_user ON account_links (user_id);

CREATE TABLE meters (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meter_no       TEXT    NOT NULL UNIQUE,
    account_id     INTEGER NOT NULL REFERENCES electricity_accounts (id),
    multiplier     INTEGER NOT NULL DEFAULT 1 CHECK (multiplier > 0),
    installed_at   INTEGER NOT NULL,
    application_id INTEGER
);
CREATE INDEX meters_by_account ON meters (account_id);

CREATE TABLE applications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_id      INTEGER NOT NULL REFERENCES users (id),
    org_id            INTEGER REFERENCES organisations (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('new_connection', 'capacity_increase', 'capacity_decrease', 'temporary', 'change_of_name')),
    customer_class    TEXT    NOT NULL CHECK (customer_class IN ('residential', 'lv_non_residential', 'high_voltage')),
    status            TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'in_progress', 'completed', 'rejected', 'cancelled')),
    form              TEXT    NOT NULL,
    region            TEXT    REFERENCES regions (code),
    supply_address    TEXT,
    account_no        TEXT,
    dual_supply       INTEGER NOT NULL DEFAULT 0,
    green_channel     INTEGER NOT NULL DEFAULT 0,
    handler_id        INTEGER REFERENCES users (id),
    current_step      TEXT,
    due_day           TEXT,
    total_due_day     TEXT,
    limits            TEXT,
    utility_days      INTEGER NOT NULL DEFAULT 0,
    customer_days     INTEGER NOT NULL DEFAULT 0,
    fee_fen           INTEGER,
    meter_no          TEXT,
    created_account   TEXT,
    intake_warnings   TEXT    NOT NULL DEFAULT '[]',
    follow_up_score   INTEGER CHECK (follow_up_score BETWEEN 1 AND 5),
    follow_up_comment TEXT,
    followed_up_at    INTEGER,
    followed_up_by    INTEGER REFERENCES users (id),
    submitted_at      INTEGER,
    accepted_at       INTEGER,
    finished_at       INTEGER,
    within_limit      INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    -- The queue's sort and partition keys, kept with every change: 1 while submitted or in
    -- progress; the utility's next due day, or '9999-12-31' while the customer holds it.
    open_queue        INTEGER NOT NULL DEFAULT 0,
    queue_due         TEXT    NOT NULL DEFAULT '9999-12-31'
);
CREATE INDEX applications_by_applicant ON applications (applicant_id, created_at);
CREATE INDEX applications_by_org ON applications (org_id, created_at);
-- The staff queue reads open applications in due order, optionally of one region, class or
-- step: each index serves equality on its leading columns and the order by (queue_due, id).
CREATE INDEX applications_queue ON applications (open_queue, queue_due, id);
CREATE INDEX applications_queue_by_region ON applications (open_queue, region, queue_due, id);
CREATE INDEX applications_queue_by_class ON applications (open_queue, customer_class, queue_due, id);
CREATE INDEX applications_queue_by_step ON applications (open_queue, current_step, queue_due, id);
CREATE INDEX applications_by_handler ON applications (handler_id, open_queue, queue_due, id);
CREATE INDEX applications_finished ON applications (finished_at, customer_class);

CREATE TABLE application_steps (
    application_id     INTEGER NOT NULL REFERENCES applications (id),
    step               TEXT    NOT NULL,
    position           INTEGER NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('pending', 'open', 'with_customer', 'done')),
    waiting            TEXT,
    offer_version      INTEGER,
    owner_id           INTEGER REFERENCES users (id),
    started_at         INTEGER,
    finished_at        INTEGER,
    segment_started_at INTEGER,
    due_day            TEXT,
    utility_days       INTEGER NOT NULL DEFAULT 0,
    customer_days      INTEGER NOT NULL DEFAULT 0,
    outcome            TEXT,
    PRIMARY KEY (application_id, step)
);
CREATE INDEX application_steps_due ON application_steps (state, due_day);

CREATE TABLE application_history (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    at             INTEGER NOT NULL,
    actor_id       INTEGER REFERENCES users (id),
    actor_label    TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    step           TEXT,
    status_from    TEXT,
    status_to      TEXT    NOT NULL,
    note           TEXT,
    detail         TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX application_history_by_application ON application_history (application_id, id);
CREATE TRIGGER application_history_no_update BEFORE UPDATE ON application_history
BEGIN SELECT RAISE(ABORT, 'application_history is append-only'); END;
CREATE TRIGGER application_history_no_delete BEFORE DELETE ON application_history
BEGIN SELECT RAISE(ABORT, 'application_history is append-only'); END;

-- The supply scheme and the contract as offered, version by version, and their acceptance.
CREATE TABLE application_offers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES applications (id),
    step            TEXT    NOT NULL CHECK (step IN ('supply_scheme', 'contract')),
    version         INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    fee_fen         INTEGER,
    document_id     INTEGER,
    issued_by       INTEGER NOT NULL REFERENCES users (id),
    issued_at       INTEGER NOT NULL,
    accepted_by     INTEGER REFERENCES users (id),
    accepted_at     INTEGER,
    accepted_ip     TEXT,
    body_sha256     TEXT    NOT NULL,
    UNIQUE (application_id, step, version)
);

CREATE TABLE application_documents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('id_or_licence', 'property_proof', 'project_approval', 'other', 'scheme_attachment')),
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    storage_key    TEXT    NOT NULL UNIQUE,
    uploaded_by    INTEGER NOT NULL REFERENCES users (id),
    uploaded_at    INTEGER NOT NULL
);
CREATE INDEX application_documents_by_application ON application_documents (application_id);

-- In-app notices: each written in its recipient's language when it is created.
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    subject    TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    link       TEXT,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notices_by_user ON notices (user_id, id);

-- Deadline warnings and escalations sent, so each is sent once whatever the number of servers.
CREATE TABLE deadline_alerts (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    step           TEXT    NOT NULL,
    level          TEXT    NOT NULL CHECK (level IN ('warning', 'overdue')),
    due_day        TEXT    NOT NULL,
    sent_at        INTEGER NOT NULL,
    PRIMARY KEY (application_id, step, level, due_day)
);
