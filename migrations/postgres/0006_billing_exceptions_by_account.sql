-- A bill opens where the account's unbilled time began: each run chunk looks up its
-- accounts' exceptions of earlier runs that made no bill (issue 11, point 3). The primary
-- key leads with the run; this finds them by account.
CREATE INDEX billing_exceptions_by_account ON billing_exceptions (account_id, run_id);
