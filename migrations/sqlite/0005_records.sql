-- Issued records never change (issue 11, point 4). 0004 froze a bill's figures; this
-- freezes the rest of what was issued or measured and allows exactly the moves the services
-- make: a bill's status forward only (held → issued, held → cancelled, issued → cancelled),
-- its issue time set once and its paid amount growing; a tariff version closed once (its
-- last day set when a newer version starts); an adjustment claimed by a bill once it is
-- approved, and released only by the bill's cancellation (its rebill carries it); a run's
-- status and cursor forward only. Corrections are new rows; nothing here is ever deleted.
-- Adjustments above the approval threshold wait for a second operator (four eyes): the
-- decider is never the requester, and only an approved adjustment can be carried.
-- SQLite and PostgreSQL (0005 there) enforce the same rules.

-- Who asked for an adjustment (a login) and who decided on it; rows made before the
-- four-eyes rule stand approved.
ALTER TABLE billing_adjustments ADD COLUMN status TEXT NOT NULL DEFAULT 'approved'
    CHECK (status IN ('pending', 'approved', 'rejected'));
ALTER TABLE billing_adjustments ADD COLUMN requested_by INTEGER REFERENCES users (id);
ALTER TABLE billing_adjustments ADD COLUMN decided_by INTEGER REFERENCES users (id);
ALTER TABLE billing_adjustments ADD COLUMN decided_by_label TEXT;
ALTER TABLE billing_adjustments ADD COLUMN decided_at INTEGER;
CREATE INDEX billing_adjustments_pending ON billing_adjustments (status, account_id);

-- Bills -------------------------------------------------------------------------------
CREATE TRIGGER bills_status_forward BEFORE UPDATE OF status ON bills
WHEN NEW.status IS NOT OLD.status
 AND NOT ((OLD.status = 'held' AND NEW.status IN ('issued', 'cancelled'))
       OR (OLD.status = 'issued' AND NEW.status = 'cancelled'))
BEGIN SELECT RAISE(ABORT, 'a bill''s status only moves forward: held, issued, cancelled'); END;

CREATE TRIGGER bills_issued_once BEFORE UPDATE OF issued_at ON bills
WHEN OLD.issued_at IS NOT NULL AND NEW.issued_at IS NOT OLD.issued_at
BEGIN SELECT RAISE(ABORT, 'a bill''s issue time is set once'); END;

CREATE TRIGGER bills_run_fixed BEFORE UPDATE OF run_id ON bills
WHEN NEW.run_id IS NOT OLD.run_id
BEGIN SELECT RAISE(ABORT, 'a bill never moves to another run'); END;

CREATE TRIGGER bills_paid_grows BEFORE UPDATE OF paid_fen ON bills
WHEN NEW.paid_fen < OLD.paid_fen OR NEW.paid_fen IS NULL
BEGIN SELECT RAISE(ABORT, 'a bill''s paid amount only grows: a refund is an adjustment'); END;

-- Credit notes and the tier energy of bills ------------------------------------------------
CREATE TRIGGER credit_notes_never_edited BEFORE UPDATE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'a credit note is never edited'); END;
CREATE TRIGGER credit_notes_never_deleted BEFORE DELETE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'a credit note is never deleted'); END;

CREATE TRIGGER bill_tier_usage_never_edited BEFORE UPDATE ON bill_tier_usage
BEGIN SELECT RAISE(ABORT, 'a bill''s tier energy is never edited'); END;
CREATE TRIGGER bill_tier_usage_never_deleted BEFORE DELETE ON bill_tier_usage
BEGIN SELECT RAISE(ABORT, 'a bill''s tier energy is never deleted'); END;

-- Readings and meter changes: a wrong reading is corrected by a meter change or a new
-- reading, never by editing what was read. ---------------------------------------------
CREATE TRIGGER meter_readings_never_edited BEFORE UPDATE ON meter_readings
BEGIN SELECT RAISE(ABORT, 'a reading is never edited'); END;
CREATE TRIGGER meter_readings_never_deleted BEFORE DELETE ON meter_readings
BEGIN SELECT RAISE(ABORT, 'a reading is never deleted'); END;

CREATE TRIGGER interval_readings_never_edited BEFORE UPDATE ON interval_readings
BEGIN SELECT RAISE(ABORT, 'a reading is never edited'); END;
CREATE TRIGGER interval_readings_never_deleted BEFORE DELETE ON interval_readings
BEGIN SELECT RAISE(ABORT, 'a reading is never deleted'); END;

CREATE TRIGGER meter_changes_never_edited BEFORE UPDATE ON meter_changes
BEGIN SELECT RAISE(ABORT, 'a meter change is never edited'); END;
CREATE TRIGGER meter_changes_never_deleted BEFORE DELETE ON meter_changes
BEGIN SELECT RAISE(ABORT, 'a meter change is never deleted'); END;

-- Tariffs: a version's numbers and first day never change; its last day is set once, when
-- a newer version closes it. ---------------------------------------------------------------
CREATE TRIGGER tariff_versions_closed_once BEFORE UPDATE ON tariff_versions
WHEN NEW.id IS NOT OLD.id
  OR NEW.tariff_code IS NOT OLD.tariff_code
  OR NEW.effective_from IS NOT OLD.effective_from
  OR NEW.body IS NOT OLD.body
  OR NEW.created_by IS NOT OLD.created_by
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.effective_to IS NOT NULL AND NEW.effective_to IS NOT OLD.effective_to)
BEGIN SELECT RAISE(ABORT, 'a tariff version is never edited: only its last day is set, once'); END;
CREATE TRIGGER tariff_versions_never_deleted BEFORE DELETE ON tariff_versions
BEGIN SELECT RAISE(ABORT, 'a tariff version is never deleted'); END;

CREATE TRIGGER tariffs_code_fixed BEFORE UPDATE OF code ON tariffs
WHEN NEW.code IS NOT OLD.code
BEGIN SELECT RAISE(ABORT, 'a tariff''s code never changes'); END;
CREATE TRIGGER tariffs_never_deleted BEFORE DELETE ON tariffs
BEGIN SELECT RAISE(ABORT, 'a tariff is never deleted'); END;

-- Adjustments ---------------------------------------------------------------------------
CREATE TRIGGER billing_adjustments_checked BEFORE INSERT ON billing_adjustments
WHEN (NEW.bill_id IS NOT NULL AND NEW.status <> 'approved')
  OR (NEW.decided_by IS NOT NULL AND NEW.decided_by = NEW.requested_by)
  OR (NEW.status = 'pending' AND NEW.decided_by IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'an adjustment is carried only once approved, by someone other than its requester'); END;

CREATE TRIGGER billing_adjustments_never_edited BEFORE UPDATE ON billing_adjustments
WHEN NEW.id IS NOT OLD.id
  OR NEW.account_id IS NOT OLD.account_id
  OR NEW.amount_fen IS NOT OLD.amount_fen
  OR NEW.reason IS NOT OLD.reason
  OR NEW.created_by IS NOT OLD.created_by
  OR NEW.created_at IS NOT OLD.created_at
  OR NEW.requested_by IS NOT OLD.requested_by
BEGIN SELECT RAISE(ABORT, 'an adjustment is never edited: record a new one'); END;

-- A decision is taken once, on a pending request, by another login than the requester's.
CREATE TRIGGER billing_adjustments_decided_once BEFORE UPDATE ON billing_adjustments
WHEN (NEW.status IS NOT OLD.status
      AND NOT (OLD.status = 'pending' AND NEW.status IN ('approved', 'rejected')
               AND NEW.decided_by IS NOT NULL AND NEW.decided_at IS NOT NULL
               AND NEW.decided_by IS NOT NEW.requested_by))
  OR (NEW.status IS OLD.status
      AND (NEW.decided_by IS NOT OLD.decided_by OR NEW.decided_at IS NOT OLD.decided_at
           OR NEW.decided_by_label IS NOT OLD.decided_by_label))
BEGIN SELECT RAISE(ABORT, 'an adjustment is decided once, by another operator than the one who asked'); END;

-- A bill claims an approved adjustment once; only the bill's cancellation releases it (for
-- the rebill to carry).
CREATE TRIGGER billing_adjustments_claimed_once BEFORE UPDATE OF bill_id ON billing_adjustments
WHEN NEW.bill_id IS NOT OLD.bill_id
 AND ((OLD.bill_id IS NULL AND NEW.status <> 'approved')
   OR (OLD.bill_id IS NOT NULL
       AND (SELECT status FROM bills WHERE id = OLD.bill_id) IS NOT 'cancelled'))
BEGIN SELECT RAISE(ABORT, 'an adjustment is carried by one live bill: only an approved one, released only by cancelling its bill'); END;

CREATE TRIGGER billing_adjustments_never_deleted BEFORE DELETE ON billing_adjustments
BEGIN SELECT RAISE(ABORT, 'an adjustment is never deleted: record a new one'); END;

-- Billing runs: what was run stays; status and cursor move forward only. ---------------------
CREATE TRIGGER billing_runs_forward BEFORE UPDATE ON billing_runs
WHEN NEW.id IS NOT OLD.id
  OR NEW.period IS NOT OLD.period
  OR NEW.reading_day IS NOT OLD.reading_day
  OR NEW.started_by IS NOT OLD.started_by
  OR NEW.started_at IS NOT OLD.started_at
  OR NEW.total_accounts IS NOT OLD.total_accounts
  OR NEW.cursor < OLD.cursor
  OR (OLD.status = 'done' AND NEW.status IS NOT 'done')
  OR (OLD.finished_at IS NOT NULL AND NEW.finished_at IS NOT OLD.finished_at)
BEGIN SELECT RAISE(ABORT, 'a billing run only moves forward'); END;
CREATE TRIGGER billing_runs_never_deleted BEFORE DELETE ON billing_runs
BEGIN SELECT RAISE(ABORT, 'a billing run is never deleted'); END;
