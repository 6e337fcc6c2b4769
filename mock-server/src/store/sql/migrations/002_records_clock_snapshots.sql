-- Version 1 -> 2: who made and changed each record and when (the Records API), a per-org clock
-- (fixed or shifted through the control plane), per-org API limit enforcement, and snapshots.
ALTER TABLE records ADD COLUMN created_time INTEGER;
ALTER TABLE records ADD COLUMN created_by TEXT;
ALTER TABLE records ADD COLUMN modified_time INTEGER;
ALTER TABLE records ADD COLUMN modified_by TEXT;
ALTER TABLE orgs ADD COLUMN clock_fixed INTEGER;
ALTER TABLE orgs ADD COLUMN clock_shift INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN enforce_limits INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS snapshots (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    created_time  INTEGER NOT NULL,
    data          TEXT NOT NULL,         -- every row of the org, table by table, as JSON
    PRIMARY KEY (org_id, id)
);
