-- Version 2 -> 3: foreign keys between the rows of an org (a portal user always belongs to an
-- existing user type and record, module settings to their type, types to their portal, CRM
-- metadata to its module), and jobs linked to the user types they act on.
--
-- SQLite cannot add a key to a table, so each table is rebuilt, parents before children:
-- create `<t>_v3`, copy, drop `<t>`, rename. The store runs this with foreign keys deferred
-- and checks every key before it commits; what the repairs below cannot mend refuses the
-- upgrade (the file is left as it was) with the rows named.
--
-- Repairs, documented in the README ("Upgrading a database file"):
-- 1. A portal user whose user type no longer exists (a transfer job could move users into a
--    type deleted after the job was scheduled) is moved to its portal's default type, when
--    that type has the user's personality module.
-- 2. Module settings of a user type that no longer exists are removed.
UPDATE portal_users SET user_type_id = (
    SELECT d.id FROM user_types d JOIN records r ON r.org_id = d.org_id
    WHERE d.org_id = portal_users.org_id AND d.is_default = 1
      AND r.id = portal_users.personality_id AND r.module_id = d.personality_module_id)
WHERE NOT EXISTS (SELECT 1 FROM user_types t
                  WHERE t.org_id = portal_users.org_id AND t.id = portal_users.user_type_id)
  AND EXISTS (SELECT 1 FROM user_types d JOIN records r ON r.org_id = d.org_id
              WHERE d.org_id = portal_users.org_id AND d.is_default = 1
                AND r.id = portal_users.personality_id AND r.module_id = d.personality_module_id);
DELETE FROM user_type_modules
WHERE NOT EXISTS (SELECT 1 FROM user_types t
                  WHERE t.org_id = user_type_modules.org_id AND t.id = user_type_modules.user_type_id);

CREATE TABLE users_v3 (
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, profile_id) REFERENCES profiles (org_id, id)
);
INSERT INTO users_v3 (org_id, id, name, email, profile_id)
SELECT org_id, id, name, email, profile_id FROM users;
DROP TABLE users;
ALTER TABLE users_v3 RENAME TO users;

CREATE TABLE fields_v3 (
    org_id         TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    api_name       TEXT NOT NULL,
    field_label    TEXT NOT NULL,
    data_type      TEXT NOT NULL,        -- text, email, lookup, multiselectlookup, …
    lookup_module  TEXT,                 -- lookups: the api_name of the module looked up
    portal_allowed INTEGER NOT NULL,     -- 0: "Field is not allowed in portals."
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);
INSERT INTO fields_v3 (org_id, id, module_id, api_name, field_label, data_type, lookup_module, portal_allowed)
SELECT org_id, id, module_id, api_name, field_label, data_type, lookup_module, portal_allowed FROM fields;
DROP TABLE fields;
ALTER TABLE fields_v3 RENAME TO fields;

CREATE TABLE layouts_v3 (
    org_id         TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    display_label  TEXT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);
INSERT INTO layouts_v3 (org_id, id, module_id, name, display_label)
SELECT org_id, id, module_id, name, display_label FROM layouts;
DROP TABLE layouts;
ALTER TABLE layouts_v3 RENAME TO layouts;

CREATE TABLE layout_fields_v3 (
    org_id     TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    layout_id  TEXT NOT NULL,
    field_id   TEXT NOT NULL,
    mandatory  INTEGER NOT NULL,         -- 1: cannot be read_only in a user type
    PRIMARY KEY (org_id, layout_id, field_id),
    FOREIGN KEY (org_id, layout_id) REFERENCES layouts (org_id, id),
    FOREIGN KEY (org_id, field_id) REFERENCES fields (org_id, id)
);
INSERT INTO layout_fields_v3 (org_id, layout_id, field_id, mandatory)
SELECT org_id, layout_id, field_id, mandatory FROM layout_fields;
DROP TABLE layout_fields;
ALTER TABLE layout_fields_v3 RENAME TO layout_fields;

CREATE TABLE views_v3 (
    org_id         TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    display_label  TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('custom_view', 'canvas_view')),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);
INSERT INTO views_v3 (org_id, id, module_id, name, display_label, type)
SELECT org_id, id, module_id, name, display_label, type FROM views;
DROP TABLE views;
ALTER TABLE views_v3 RENAME TO views;

CREATE TABLE records_v3 (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    module_id     TEXT NOT NULL,
    name          TEXT NOT NULL,         -- the record's display name (Full_Name for Contacts)
    email         TEXT,                  -- NULL: "does not have email id"
    approval      TEXT NOT NULL CHECK (approval IN ('approved', 'awaiting_approval', 'under_review')),
    gdpr_consent  INTEGER NOT NULL,      -- 0: no GDPR consent, cannot be invited
    state         TEXT NOT NULL CHECK (state IN ('active', 'recycle_bin', 'deleted')),
    data          TEXT NOT NULL,         -- the record's other fields, as a JSON object
    created_time  INTEGER,               -- NULL for fixture records
    created_by    TEXT,
    modified_time INTEGER,
    modified_by   TEXT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);
INSERT INTO records_v3 (org_id, id, module_id, name, email, approval, gdpr_consent, state, data, created_time, created_by, modified_time, modified_by)
SELECT org_id, id, module_id, name, email, approval, gdpr_consent, state, data, created_time, created_by, modified_time, modified_by FROM records;
DROP TABLE records;
ALTER TABLE records_v3 RENAME TO records;

CREATE TABLE user_types_v3 (
    org_id                 TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id                     TEXT NOT NULL,
    name                   TEXT NOT NULL,
    personality_module_id  TEXT NOT NULL,
    invitation_field_id    TEXT,
    active                 INTEGER NOT NULL,
    is_default             INTEGER NOT NULL,
    created_time           INTEGER NOT NULL,
    created_by             TEXT NOT NULL,
    modified_time          INTEGER NOT NULL,
    modified_by            TEXT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id) REFERENCES portals (org_id),
    FOREIGN KEY (org_id, personality_module_id) REFERENCES modules (org_id, id)
);
INSERT INTO user_types_v3 (org_id, id, name, personality_module_id, invitation_field_id, active, is_default, created_time, created_by, modified_time, modified_by)
SELECT org_id, id, name, personality_module_id, invitation_field_id, active, is_default, created_time, created_by, modified_time, modified_by FROM user_types;
DROP TABLE user_types;
ALTER TABLE user_types_v3 RENAME TO user_types;

CREATE TABLE user_type_modules_v3 (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_type_id  TEXT NOT NULL,
    position      INTEGER NOT NULL,      -- order as configured
    module_id     TEXT NOT NULL,
    config        TEXT NOT NULL,         -- shared_type, permissions, layouts, views, filters, fields (JSON)
    PRIMARY KEY (org_id, user_type_id, module_id),
    FOREIGN KEY (org_id, user_type_id) REFERENCES user_types (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);
INSERT INTO user_type_modules_v3 (org_id, user_type_id, position, module_id, config)
SELECT org_id, user_type_id, position, module_id, config FROM user_type_modules;
DROP TABLE user_type_modules;
ALTER TABLE user_type_modules_v3 RENAME TO user_type_modules;

CREATE TABLE portal_users_v3 (
    org_id          TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,    -- insertion order: stable paging
    personality_id  TEXT NOT NULL,       -- the CRM record invited
    user_type_id    TEXT NOT NULL,
    confirm         INTEGER NOT NULL,
    active          INTEGER NOT NULL,
    status_reason   TEXT,
    invited_time    INTEGER NOT NULL,
    language        TEXT NOT NULL,
    invite_expired  INTEGER NOT NULL DEFAULT 0,  -- 1: unconfirmed and invited over 7 days ago
    PRIMARY KEY (org_id, personality_id),
    -- A portal user always belongs to an existing type and record: a type with users cannot be
    -- deleted (move them first), nor can a record row that is a portal user.
    FOREIGN KEY (org_id, user_type_id) REFERENCES user_types (org_id, id),
    FOREIGN KEY (org_id, personality_id) REFERENCES records (org_id, id)
);
INSERT INTO portal_users_v3 (org_id, seq, personality_id, user_type_id, confirm, active, status_reason, invited_time, language, invite_expired)
SELECT org_id, seq, personality_id, user_type_id, confirm, active, status_reason, invited_time, language, invite_expired FROM portal_users;
DROP TABLE portal_users;
ALTER TABLE portal_users_v3 RENAME TO portal_users;

CREATE TABLE jobs_v3 (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('invite', 'change_status', 'transfer', 'delete')),
    module        TEXT,                  -- invites: the module of the path
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed')),
    user_id       TEXT NOT NULL,         -- who scheduled it
    created_time  INTEGER NOT NULL,
    payload       TEXT NOT NULL,         -- what to do, as JSON
    results       TEXT,                  -- per-item results once completed, as JSON
    -- The user types the job acts on (transfers, deletes, status changes: the type of the path;
    -- transfers: the target too). They existed when it was scheduled (the keys say so); NULL
    -- when the payload names none, or once the type was deleted (trigger user_type_deleted).
    user_type_id    TEXT,
    target_type_id  TEXT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, user_type_id) REFERENCES user_types (org_id, id),
    FOREIGN KEY (org_id, target_type_id) REFERENCES user_types (org_id, id)
);
INSERT INTO jobs_v3 (org_id, id, kind, module, status, user_id, created_time, payload, results, user_type_id, target_type_id)
SELECT org_id, id, kind, module, status, user_id, created_time, payload, results,
       CASE WHEN kind <> 'invite' AND EXISTS (SELECT 1 FROM user_types t WHERE t.org_id = jobs.org_id
            AND t.id = json_extract(jobs.payload, '$.user_type_id'))
            THEN json_extract(jobs.payload, '$.user_type_id') END,
       CASE WHEN kind = 'transfer' AND EXISTS (SELECT 1 FROM user_types t WHERE t.org_id = jobs.org_id
            AND t.id = json_extract(jobs.payload, '$.transfer_To'))
            THEN json_extract(jobs.payload, '$.transfer_To') END FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v3 RENAME TO jobs;

CREATE INDEX IF NOT EXISTS portal_users_by_type
    ON portal_users (org_id, user_type_id, seq, active, confirm, status_reason);
CREATE UNIQUE INDEX IF NOT EXISTS portal_users_by_seq ON portal_users (org_id, seq);
CREATE INDEX IF NOT EXISTS records_by_email ON records (org_id, email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (status, org_id);

CREATE TRIGGER IF NOT EXISTS user_type_deleted AFTER DELETE ON user_types BEGIN
    UPDATE jobs SET user_type_id = NULL WHERE org_id = OLD.org_id AND user_type_id = OLD.id;
    UPDATE jobs SET target_type_id = NULL WHERE org_id = OLD.org_id AND target_type_id = OLD.id;
END;
