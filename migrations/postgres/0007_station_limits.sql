-- Supply-station limits on what staff read (issue 11, point 6).

-- The supply station an audit entry concerns (the account's, the bill's or meter's
-- account's, the application's, an integration token's), set when the entry is written;
-- NULL for an entry that concerns no one station (a login, a tariff, a staff change).
-- Staff limited to stations read the entries of their stations and their own actions.
-- Entries written before this column existed stay NULL (the log is append-only).
ALTER TABLE audit_log ADD COLUMN region TEXT;
CREATE INDEX audit_log_by_region ON audit_log (region, id);

-- The stations a readings import was limited to (its sender's, comma-separated codes in
-- order), NULL for every station. Staff limited to stations see the imports within theirs.
ALTER TABLE reading_imports ADD COLUMN regions TEXT;
