-- Meter readings, tariffs, billing runs and bills (domain brief §4). Energy is stored as
-- whole thousandths (milli-kWh, milli-kvarh, milli-kW), exact on every backend; money in
-- whole fen; tariff bodies and bill lines as JSON of the shared types (decimal strings).
-- Days are 'YYYY-MM-DD' in the utility's time zone; times are Unix seconds.

CREATE TABLE tariffs (
    code       TEXT    PRIMARY KEY,
    name_zh    TEXT    NOT NULL,
    name_en    TEXT    NOT NULL,
    -- The customer class that may choose this tariff (the comparison offers it), if any.
    for_class  TEXT,
    created_at INTEGER NOT NULL
);

-- Versions never overlap (checked by the service in the transaction that adds one).
CREATE TABLE tariff_versions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tariff_code    TEXT    NOT NULL REFERENCES tariffs (code),
    effective_from TEXT    NOT NULL,
    effective_to   TEXT,
    body           TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE INDEX tariff_versions_by_tariff ON tariff_versions (tariff_code, effective_from);

ALTER TABLE electricity_accounts ADD COLUMN tariff_code TEXT REFERENCES tariffs (code);
ALTER TABLE electricity_accounts ADD COLUMN reading_day INTEGER NOT NULL DEFAULT 1 CHECK (reading_day BETWEEN 1 AND 28);
-- Set while an operator holds the account's bills for review: the reason.
ALTER TABLE electricity_accounts ADD COLUMN billing_hold TEXT;
CREATE INDEX electricity_accounts_by_reading_day ON electricity_accounts (reading_day, id);

ALTER TABLE meters ADD COLUMN interval_data INTEGER NOT NULL DEFAULT 0 CHECK (interval_data IN (0, 1));

-- Every file or API batch of readings, with its count of accepted and rejected lines.
CREATE TABLE reading_imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    source     TEXT    NOT NULL CHECK (source IN ('csv', 'api', 'manual')),
    file_name  TEXT,
    actor      TEXT    NOT NULL,
    lines      INTEGER NOT NULL,
    accepted   INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE reading_rejections (
    import_id INTEGER NOT NULL REFERENCES reading_imports (id),
    line_no   INTEGER NOT NULL,
    meter_no  TEXT,
    reason    TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    PRIMARY KEY (import_id, line_no)
);

-- Register readings taken at 00:00 of a day: the active register, and where the meter has
-- them the registers by time-of-use period, reactive energy and the month's maximum demand.
CREATE TABLE meter_readings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meter_id       INTEGER NOT NULL REFERENCES meters (id),
    read_on        TEXT    NOT NULL,
    active_milli   INTEGER NOT NULL CHECK (active_milli >= 0),
    peak_milli     INTEGER,
    flat_milli     INTEGER,
    valley_milli   INTEGER,
    critical_milli INTEGER,
    reactive_milli INTEGER,
    demand_milli   INTEGER,
    source         TEXT    NOT NULL CHECK (source IN ('csv', 'api', 'manual', 'demo')),
    import_id      INTEGER REFERENCES reading_imports (id),
    created_at     INTEGER NOT NULL,
    UNIQUE (meter_id, read_on)
);

-- A meter exchanged or its register reset: the old register's last value and the new
-- one's first, so a reading below the last one is explained and the energy still adds up.
CREATE TABLE meter_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    meter_id    INTEGER NOT NULL REFERENCES meters (id),
    changed_on  TEXT    NOT NULL,
    final_milli INTEGER NOT NULL CHECK (final_milli >= 0),
    start_milli INTEGER NOT NULL CHECK (start_milli >= 0),
    reason      TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (meter_id, changed_on)
);

-- 15-minute interval data of large customers.
CREATE TABLE interval_readings (
    meter_id    INTEGER NOT NULL REFERENCES meters (id),
    starts_at   INTEGER NOT NULL,
    kwh_milli   INTEGER NOT NULL CHECK (kwh_milli >= 0),
    kvarh_milli INTEGER,
    import_id   INTEGER REFERENCES reading_imports (id),
    PRIMARY KEY (meter_id, starts_at)
);

-- One run per period and reading day. A server works it under a lease and moves the
-- cursor (the last account done) in the same transaction as the chunk's bills, so a run
-- resumes where it stopped and two servers never bill one chunk.
CREATE TABLE billing_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    period         TEXT    NOT NULL,
    reading_day    INTEGER NOT NULL CHECK (reading_day BETWEEN 1 AND 28),
    started_by     TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('running', 'done')),
    total_accounts INTEGER NOT NULL,
    cursor         INTEGER NOT NULL DEFAULT 0,
    accounts_done  INTEGER NOT NULL DEFAULT 0,
    bills          INTEGER NOT NULL DEFAULT 0,
    held           INTEGER NOT NULL DEFAULT 0,
    exceptions     INTEGER NOT NULL DEFAULT 0,
    lease_owner    TEXT,
    lease_until    INTEGER,
    finished_at    INTEGER,
    UNIQUE (period, reading_day)
);

CREATE TABLE billing_exceptions (
    run_id     INTEGER NOT NULL REFERENCES billing_runs (id),
    account_id INTEGER NOT NULL REFERENCES electricity_accounts (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('no_reading', 'estimated', 'changed', 'calculation', 'held')),
    detail     TEXT    NOT NULL,
    PRIMARY KEY (run_id, account_id, kind)
);

-- Bills are never edited once made: a correction is a credit note and a rebill, or an
-- adjustment carried by the next bill. Only the status (held → issued, → cancelled) and
-- the paid amount change, and triggers refuse anything else.
CREATE TABLE bills (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES electricity_accounts (id),
    period        TEXT    NOT NULL,
    period_from   TEXT    NOT NULL,
    period_to     TEXT    NOT NULL,
    replaces      INTEGER REFERENCES bills (id),
    run_id        INTEGER REFERENCES billing_runs (id),
    tariff_code   TEXT    NOT NULL,
    energy_milli  INTEGER NOT NULL,
    total_fen     INTEGER NOT NULL,
    metered       TEXT    NOT NULL,
    lines         TEXT    NOT NULL,
    estimated     INTEGER NOT NULL CHECK (estimated IN (0, 1)),
    status        TEXT    NOT NULL CHECK (status IN ('held', 'issued', 'cancelled')),
    due_on        TEXT    NOT NULL,
    paid_fen      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    issued_at     INTEGER
);
CREATE UNIQUE INDEX bills_one_per_period ON bills (account_id, period) WHERE replaces IS NULL;
CREATE UNIQUE INDEX bills_one_rebill ON bills (replaces) WHERE replaces IS NOT NULL;
CREATE INDEX bills_by_account ON bills (account_id, period_to);
CREATE INDEX bills_by_run ON bills (run_id, status);
CREATE TRIGGER bills_never_edited BEFORE UPDATE OF account_id, period, period_from, period_to, replaces, tariff_code,
    energy_milli, total_fen, metered, lines, estimated, due_on, created_at ON bills
BEGIN SELECT RAISE(ABORT, 'a bill is never edited: credit it and rebill'); END;
CREATE TRIGGER bills_never_deleted BEFORE DELETE ON bills
BEGIN SELECT RAISE(ABORT, 'a bill is never deleted: credit it'); END;

-- The energy each bill put in each tier year, summed for the next bill's tiers.
CREATE TABLE bill_tier_usage (
    bill_id    INTEGER NOT NULL REFERENCES bills (id),
    account_id INTEGER NOT NULL REFERENCES electricity_accounts (id),
    year       INTEGER NOT NULL,
    kwh_milli  INTEGER NOT NULL,
    PRIMARY KEY (bill_id, year)
);
CREATE INDEX bill_tier_usage_by_account ON bill_tier_usage (account_id, year);

-- A credit note cancels a bill in full, with its reason.
CREATE TABLE credit_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    bill_id    INTEGER NOT NULL UNIQUE REFERENCES bills (id),
    amount_fen INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Refunds and back-billing (退补): carried as a line by the account's next bill.
CREATE TABLE billing_adjustments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES electricity_accounts (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
    reason     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    bill_id    INTEGER REFERENCES bills (id)
);
CREATE INDEX billing_adjustments_open ON billing_adjustments (account_id, bill_id);

-- Tokens of the utility's own systems (the metering system posting readings).
CREATE TABLE integration_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    region       TEXT    REFERENCES regions (code),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
