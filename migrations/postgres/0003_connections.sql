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
    year       BIGINT  PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    body       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by TEXT    NOT NULL
);

ALTER TABLE electricity_accounts ADD COLUMN contracted_kva BIGINT;
ALTER TABLE electricity_accounts ADD COLUMN voltage TEXT;
CREATE INDEX electricity_accounts_by_address ON electricity_accounts (supply_address);

-- An account created by energising an application is linked to its applicant with the
-- application as the proof.
ALTER TABLE account_links DROP CONSTRAINT account_links_proof_check;
ALTER TABLE account_links ADD CONSTRAINT account_links_proof_check CHECK (proof IN ('bill_amount', 'email_code', 'application'));

CREATE TABLE meters (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meter_no       TEXT    NOT NULL UNIQUE,
    account_id     BIGINT  NOT NULL REFERENCES electricity_accounts (id),
    multiplier     BIGINT  NOT NULL DEFAULT 1 CHECK (multiplier > 0),
    installed_at   BIGINT  NOT NULL,
    application_id BIGINT
);
CREATE INDEX meters_by_account ON meters (account_id);

CREATE TABLE applications (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicant_id      BIGINT  NOT NULL REFERENCES users (id),
    org_id            BIGINT  REFERENCES organisations (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('new_connection', 'capacity_increase', 'capacity_decrease', 'temporary', 'change_of_name')),
    customer_class    TEXT    NOT NULL CHECK (customer_class IN ('residential', 'lv_non_residential', 'high_voltage')),
    status            TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'in_progress', 'completed', 'rejected', 'cancelled')),
    form              TEXT    NOT NULL,
    region            TEXT    REFERENCES regions (code),
    supply_address    TEXT,
    account_no        TEXT,
    dual_supply       BIGINT  NOT NULL DEFAULT 0,
    green_channel     BIGINT  NOT NULL DEFAULT 0,
    handler_id        BIGINT  REFERENCES users (id),
    current_step      TEXT,
    due_day           TEXT,
    total_due_day     TEXT,
    limits            TEXT,
    utility_days      BIGINT  NOT NULL DEFAULT 0,
    customer_days     BIGINT  NOT NULL DEFAULT 0,
    fee_fen           BIGINT,
    meter_no          TEXT,
    created_account   TEXT,
    intake_warnings   TEXT    NOT NULL DEFAULT '[]',
    follow_up_score   BIGINT  CHECK (follow_up_score BETWEEN 1 AND 5),
    follow_up_comment TEXT,
    followed_up_at    BIGINT,
    followed_up_by    BIGINT  REFERENCES users (id),
    submitted_at      BIGINT,
    accepted_at       BIGINT,
    finished_at       BIGINT,
    within_limit      BIGINT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1,
    -- The queue's sort and partition keys, kept with every change: 1 while submitted or in
    -- progress; the utility's next due day, or '9999-12-31' while the customer holds it.
    open_queue        BIGINT  NOT NULL DEFAULT 0,
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
    application_id     BIGINT  NOT NULL REFERENCES applications (id),
    step               TEXT    NOT NULL,
    position           BIGINT  NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('pending', 'open', 'with_customer', 'done')),
    waiting            TEXT,
    offer_version      BIGINT,
    owner_id           BIGINT  REFERENCES users (id),
    started_at         BIGINT,
    finished_at        BIGINT,
    segment_started_at BIGINT,
    due_day            TEXT,
    utility_days       BIGINT  NOT NULL DEFAULT 0,
    customer_days      BIGINT  NOT NULL DEFAULT 0,
    outcome            TEXT,
    PRIMARY KEY (application_id, step)
);
CREATE INDEX application_steps_due ON application_steps (state, due_day);

CREATE TABLE application_history (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT  NOT NULL REFERENCES applications (id),
    at             BIGINT  NOT NULL,
    actor_id       BIGINT  REFERENCES users (id),
    actor_label    TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    step           TEXT,
    status_from    TEXT,
    status_to      TEXT    NOT NULL,
    note           TEXT,
    detail         TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX application_history_by_application ON application_history (application_id, id);
CREATE FUNCTION application_history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'application_history is append-only';
END;
$$;
CREATE TRIGGER application_history_append_only BEFORE UPDATE OR DELETE ON application_history
    FOR EACH ROW EXECUTE FUNCTION application_history_refuse_change();
CREATE TRIGGER application_history_no_truncate BEFORE TRUNCATE ON application_history
    FOR EACH STATEMENT EXECUTE FUNCTION application_history_refuse_change();

-- The supply scheme and the contract as offered, version by version, and their acceptance.
CREATE TABLE application_offers (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT  NOT NULL REFERENCES applications (id),
    step            TEXT    NOT NULL CHECK (step IN ('supply_scheme', 'contract')),
    version         BIGINT  NOT NULL,
    body            TEXT    NOT NULL,
    fee_fen         BIGINT,
    document_id     BIGINT,
    issued_by       BIGINT  NOT NULL REFERENCES users (id),
    issued_at       BIGINT  NOT NULL,
    accepted_by     BIGINT  REFERENCES users (id),
    accepted_at     BIGINT,
    accepted_ip     TEXT,
    body_sha256     TEXT    NOT NULL,
    UNIQUE (application_id, step, version)
);

CREATE TABLE application_documents (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT  NOT NULL REFERENCES applications (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('id_or_licence', 'property_proof', 'project_approval', 'other', 'scheme_attachment')),
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes     BIGINT  NOT NULL,
    sha256         TEXT    NOT NULL,
    storage_key    TEXT    NOT NULL UNIQUE,
    uploaded_by    BIGINT  NOT NULL REFERENCES users (id),
    uploaded_at    BIGINT  NOT NULL
);
CREATE INDEX application_documents_by_application ON application_documents (application_id);

-- In-app notices: each written in its recipient's language when it is created.
CREATE TABLE notices (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    subject    TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    link       TEXT,
    created_at BIGINT  NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notices_by_user ON notices (user_id, id);

-- Deadline warnings and escalations sent, so each is sent once whatever the number of servers.
CREATE TABLE deadline_alerts (
    application_id BIGINT  NOT NULL REFERENCES applications (id),
    step           TEXT    NOT NULL,
    level          TEXT    NOT NULL CHECK (level IN ('warning', 'overdue')),
    due_day        TEXT    NOT NULL,
    sent_at        BIGINT  NOT NULL,
    PRIMARY KEY (application_id, step, level, due_day)
);
