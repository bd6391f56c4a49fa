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
ALTER TABLE billing_adjustments ADD COLUMN requested_by BIGINT REFERENCES users (id);
ALTER TABLE billing_adjustments ADD COLUMN decided_by BIGINT REFERENCES users (id);
ALTER TABLE billing_adjustments ADD COLUMN decided_by_label TEXT;
ALTER TABLE billing_adjustments ADD COLUMN decided_at BIGINT;
CREATE INDEX billing_adjustments_pending ON billing_adjustments (status, account_id);

-- Refuses any DELETE or TRUNCATE: the records of these tables are never removed.
CREATE FUNCTION records_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME;
END;
$$;

-- Refuses any UPDATE: the records of these tables are never edited.
CREATE FUNCTION records_never_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never edited', TG_TABLE_NAME;
END;
$$;

-- Bills ---------------------------------------------------------------------------------
CREATE FUNCTION bills_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT ((OLD.status = 'held' AND NEW.status IN ('issued', 'cancelled'))
             OR (OLD.status = 'issued' AND NEW.status = 'cancelled')) THEN
        RAISE EXCEPTION 'a bill''s status only moves forward: held, issued, cancelled';
    END IF;
    IF OLD.issued_at IS NOT NULL AND NEW.issued_at IS DISTINCT FROM OLD.issued_at THEN
        RAISE EXCEPTION 'a bill''s issue time is set once';
    END IF;
    IF NEW.run_id IS DISTINCT FROM OLD.run_id THEN
        RAISE EXCEPTION 'a bill never moves to another run';
    END IF;
    IF NEW.paid_fen IS NULL OR NEW.paid_fen < OLD.paid_fen THEN
        RAISE EXCEPTION 'a bill''s paid amount only grows: a refund is an adjustment';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER bills_move_forward BEFORE UPDATE ON bills
    FOR EACH ROW EXECUTE FUNCTION bills_move_forward();

-- Credit notes and the tier energy of bills -----------------------------------------------
CREATE TRIGGER credit_notes_never_edited BEFORE UPDATE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION records_never_edited();
CREATE TRIGGER credit_notes_never_deleted BEFORE DELETE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER credit_notes_no_truncate BEFORE TRUNCATE ON credit_notes
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

CREATE TRIGGER bill_tier_usage_never_edited BEFORE UPDATE ON bill_tier_usage
    FOR EACH ROW EXECUTE FUNCTION records_never_edited();
CREATE TRIGGER bill_tier_usage_never_deleted BEFORE DELETE ON bill_tier_usage
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER bill_tier_usage_no_truncate BEFORE TRUNCATE ON bill_tier_usage
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

-- Readings and meter changes: a wrong reading is corrected by a meter change or a new
-- reading, never by editing what was read. --------------------------------------------------
CREATE TRIGGER meter_readings_never_edited BEFORE UPDATE ON meter_readings
    FOR EACH ROW EXECUTE FUNCTION records_never_edited();
CREATE TRIGGER meter_readings_never_deleted BEFORE DELETE ON meter_readings
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER meter_readings_no_truncate BEFORE TRUNCATE ON meter_readings
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

CREATE TRIGGER interval_readings_never_edited BEFORE UPDATE ON interval_readings
    FOR EACH ROW EXECUTE FUNCTION records_never_edited();
CREATE TRIGGER interval_readings_never_deleted BEFORE DELETE ON interval_readings
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER interval_readings_no_truncate BEFORE TRUNCATE ON interval_readings
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

CREATE TRIGGER meter_changes_never_edited BEFORE UPDATE ON meter_changes
    FOR EACH ROW EXECUTE FUNCTION records_never_edited();
CREATE TRIGGER meter_changes_never_deleted BEFORE DELETE ON meter_changes
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER meter_changes_no_truncate BEFORE TRUNCATE ON meter_changes
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

-- Tariffs: a version's numbers and first day never change; its last day is set once, when
-- a newer version closes it. ------------------------------------------------------------------
CREATE FUNCTION tariff_versions_closed_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.tariff_code, OLD.effective_from, OLD.body, OLD.created_by, OLD.created_at)
       IS DISTINCT FROM (NEW.id, NEW.tariff_code, NEW.effective_from, NEW.body, NEW.created_by, NEW.created_at)
       OR (OLD.effective_to IS NOT NULL AND NEW.effective_to IS DISTINCT FROM OLD.effective_to) THEN
        RAISE EXCEPTION 'a tariff version is never edited: only its last day is set, once';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tariff_versions_closed_once BEFORE UPDATE ON tariff_versions
    FOR EACH ROW EXECUTE FUNCTION tariff_versions_closed_once();
CREATE TRIGGER tariff_versions_never_deleted BEFORE DELETE ON tariff_versions
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER tariff_versions_no_truncate BEFORE TRUNCATE ON tariff_versions
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

CREATE FUNCTION tariffs_code_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.code IS DISTINCT FROM OLD.code THEN
        RAISE EXCEPTION 'a tariff''s code never changes';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tariffs_code_fixed BEFORE UPDATE ON tariffs
    FOR EACH ROW EXECUTE FUNCTION tariffs_code_fixed();
CREATE TRIGGER tariffs_never_deleted BEFORE DELETE ON tariffs
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER tariffs_no_truncate BEFORE TRUNCATE ON tariffs
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

-- Adjustments -----------------------------------------------------------------------------
CREATE FUNCTION billing_adjustments_checked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (NEW.bill_id IS NOT NULL AND NEW.status <> 'approved')
           OR (NEW.decided_by IS NOT NULL AND NEW.decided_by = NEW.requested_by)
           OR (NEW.status = 'pending' AND NEW.decided_by IS NOT NULL) THEN
            RAISE EXCEPTION 'an adjustment is carried only once approved, by someone other than its requester';
        END IF;
        RETURN NEW;
    END IF;
    IF (OLD.id, OLD.account_id, OLD.amount_fen, OLD.reason, OLD.created_by, OLD.created_at, OLD.requested_by)
       IS DISTINCT FROM
       (NEW.id, NEW.account_id, NEW.amount_fen, NEW.reason, NEW.created_by, NEW.created_at, NEW.requested_by) THEN
        RAISE EXCEPTION 'an adjustment is never edited: record a new one';
    END IF;
    -- A decision is taken once, on a pending request, by another login than the requester's.
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT (OLD.status = 'pending' AND NEW.status IN ('approved', 'rejected')
                AND NEW.decided_by IS NOT NULL AND NEW.decided_at IS NOT NULL
                AND NEW.decided_by IS DISTINCT FROM NEW.requested_by) THEN
            RAISE EXCEPTION 'an adjustment is decided once, by another operator than the one who asked';
        END IF;
    ELSIF (OLD.decided_by, OLD.decided_at, OLD.decided_by_label)
          IS DISTINCT FROM (NEW.decided_by, NEW.decided_at, NEW.decided_by_label) THEN
        RAISE EXCEPTION 'an adjustment is decided once, by another operator than the one who asked';
    END IF;
    -- A bill claims an approved adjustment once; only the bill's cancellation releases it
    -- (for the rebill to carry).
    IF NEW.bill_id IS DISTINCT FROM OLD.bill_id THEN
        IF (OLD.bill_id IS NULL AND NEW.status <> 'approved')
           OR (OLD.bill_id IS NOT NULL
               AND (SELECT status FROM bills WHERE id = OLD.bill_id) IS DISTINCT FROM 'cancelled') THEN
            RAISE EXCEPTION 'an adjustment is carried by one live bill: only an approved one, released only by cancelling its bill';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER billing_adjustments_checked BEFORE INSERT OR UPDATE ON billing_adjustments
    FOR EACH ROW EXECUTE FUNCTION billing_adjustments_checked();
CREATE TRIGGER billing_adjustments_never_deleted BEFORE DELETE ON billing_adjustments
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER billing_adjustments_no_truncate BEFORE TRUNCATE ON billing_adjustments
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();

-- Billing runs: what was run stays; status and cursor move forward only. ----------------------
CREATE FUNCTION billing_runs_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.period, OLD.reading_day, OLD.started_by, OLD.started_at, OLD.total_accounts)
       IS DISTINCT FROM (NEW.id, NEW.period, NEW.reading_day, NEW.started_by, NEW.started_at, NEW.total_accounts)
       OR NEW.cursor < OLD.cursor
       OR (OLD.status = 'done' AND NEW.status IS DISTINCT FROM 'done')
       OR (OLD.finished_at IS NOT NULL AND NEW.finished_at IS DISTINCT FROM OLD.finished_at) THEN
        RAISE EXCEPTION 'a billing run only moves forward';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER billing_runs_forward BEFORE UPDATE ON billing_runs
    FOR EACH ROW EXECUTE FUNCTION billing_runs_forward();
CREATE TRIGGER billing_runs_never_deleted BEFORE DELETE ON billing_runs
    FOR EACH ROW EXECUTE FUNCTION records_never_deleted();
CREATE TRIGGER billing_runs_no_truncate BEFORE TRUNCATE ON billing_runs
    FOR EACH STATEMENT EXECUTE FUNCTION records_never_deleted();
