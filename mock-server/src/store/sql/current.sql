-- The schema every step of sql/schema_v1.sql and sql/migrations/ leaves, as SQLite
-- holds it: what a fresh database is created from. Written by a test
-- (PORTALS_MOCK_WRITE_SCHEMA_DOC=1 cargo test -p portals-mock --lib schema), which
-- fails when it is stale. Never edit it by hand.

CREATE TABLE orgs (
    id              TEXT PRIMARY KEY,      -- the org's id: a token selects it
    fixture         TEXT NOT NULL,         -- the fixture it was seeded from; reset restores it
    company_name    TEXT NOT NULL,
    company_domain  TEXT NOT NULL,         -- the Client Portal type refuses invitees on this domain
    utc_offset      TEXT NOT NULL,         -- e.g. '+05:30': the offset timestamps are printed with
    edition         TEXT NOT NULL,         -- Free, Standard, Professional, Enterprise, Ultimate
    trial           INTEGER NOT NULL,      -- 1 on a trial edition (10 portal users at most)
    sandbox         INTEGER NOT NULL,      -- 1: every Portals call answers API_NOT_SUPPORTED
    zaid            TEXT NOT NULL,         -- the zaid a portal created in this org receives
    id_prefix       TEXT NOT NULL,         -- first 10 digits of every id made in this org
    next_seq        INTEGER NOT NULL       -- last 9 digits of the next id
, clock_fixed INTEGER, clock_shift INTEGER NOT NULL DEFAULT 0, enforce_limits INTEGER NOT NULL DEFAULT 0);

CREATE TABLE profiles (
    org_id               TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id                   TEXT NOT NULL,
    name                 TEXT NOT NULL,
    manage_portal        INTEGER NOT NULL,  -- "Manage Portal" (Crm_Implied_Manage_ClientPortal)
    manage_portal_users  INTEGER NOT NULL,  -- "Manage Portal Users" (…_ClientPortal_Users)
    PRIMARY KEY (org_id, id)
);

CREATE TABLE oauth_clients (
    client_id      TEXT PRIMARY KEY,
    client_secret  TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL
);

CREATE TABLE tokens (
    token         TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('access', 'refresh', 'grant')),
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL,
    client_id     TEXT,                  -- the client a refresh or grant token belongs to
    scopes        TEXT NOT NULL,         -- space-separated scope names
    expires_at    INTEGER,               -- NULL: never expires
    redirect_uri  TEXT,                  -- grant tokens: the redirect_uri they were issued for
    from_fixture  INTEGER NOT NULL       -- 1: seeded from the fixture (a reset re-seeds it)
);

CREATE INDEX tokens_by_org ON tokens (org_id);

CREATE TABLE modules (
    org_id          TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    api_name        TEXT NOT NULL,
    singular_label  TEXT NOT NULL,
    plural_label    TEXT NOT NULL,
    shared_type     TEXT NOT NULL CHECK (shared_type IN ('private', 'public')),
    personality     INTEGER NOT NULL,    -- 1: can be a user type's personality module
    portal_allowed  INTEGER NOT NULL,    -- 1: can be given to a user type at all
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, api_name)
);

CREATE TABLE portals (
    org_id         TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    zaid           TEXT NOT NULL,
    active         INTEGER NOT NULL,
    created_time   INTEGER NOT NULL,
    created_by     TEXT NOT NULL,        -- users.id
    modified_time  INTEGER NOT NULL,
    modified_by    TEXT NOT NULL,        -- users.id
    saml           TEXT                  -- saml_configuration as JSON, when configured
);

CREATE INDEX portals_by_name ON portals (name COLLATE NOCASE);

CREATE TABLE snapshots (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    created_time  INTEGER NOT NULL,
    data          TEXT NOT NULL,         -- every row of the org, table by table, as JSON
    PRIMARY KEY (org_id, id)
);

CREATE TABLE "users" (
    org_id      TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, profile_id) REFERENCES profiles (org_id, id)
);

CREATE TABLE "fields" (
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

CREATE TABLE "layouts" (
    org_id         TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    display_label  TEXT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);

CREATE TABLE "layout_fields" (
    org_id     TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    layout_id  TEXT NOT NULL,
    field_id   TEXT NOT NULL,
    mandatory  INTEGER NOT NULL,         -- 1: cannot be read_only in a user type
    PRIMARY KEY (org_id, layout_id, field_id),
    FOREIGN KEY (org_id, layout_id) REFERENCES layouts (org_id, id),
    FOREIGN KEY (org_id, field_id) REFERENCES fields (org_id, id)
);

CREATE TABLE "views" (
    org_id         TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    display_label  TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('custom_view', 'canvas_view')),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);

CREATE TABLE "records" (
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

CREATE TABLE "user_types" (
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

CREATE TABLE "user_type_modules" (
    org_id        TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_type_id  TEXT NOT NULL,
    position      INTEGER NOT NULL,      -- order as configured
    module_id     TEXT NOT NULL,
    config        TEXT NOT NULL,         -- shared_type, permissions, layouts, views, filters, fields (JSON)
    PRIMARY KEY (org_id, user_type_id, module_id),
    FOREIGN KEY (org_id, user_type_id) REFERENCES user_types (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, module_id) REFERENCES modules (org_id, id)
);

CREATE TABLE "portal_users" (
    org_id          TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,    -- insertion order: stable paging
    personality_id  TEXT NOT NULL,       -- the CRM record invited
    user_type_id    TEXT NOT NULL,
    confirm         INTEGER NOT NULL,
    active          INTEGER NOT NULL,
    status_reason   TEXT,
    invited_time    INTEGER NOT NULL,
    language        TEXT NOT NULL,
    invite_expired  INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT 'CRM', created_time INTEGER NOT NULL DEFAULT 0,  -- 1: unconfirmed and invited over 7 days ago
    PRIMARY KEY (org_id, personality_id),
    -- A portal user always belongs to an existing type and record: a type with users cannot be
    -- deleted (move them first), nor can a record row that is a portal user.
    FOREIGN KEY (org_id, user_type_id) REFERENCES user_types (org_id, id),
    FOREIGN KEY (org_id, personality_id) REFERENCES records (org_id, id)
);

CREATE TABLE "jobs" (
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

CREATE INDEX portal_users_by_type
    ON portal_users (org_id, user_type_id, seq, active, confirm, status_reason);

CREATE UNIQUE INDEX portal_users_by_seq ON portal_users (org_id, seq);

CREATE INDEX records_by_email ON records (org_id, email COLLATE NOCASE);

CREATE INDEX jobs_pending ON jobs (status, org_id);

CREATE TRIGGER user_type_deleted AFTER DELETE ON user_types BEGIN
    UPDATE jobs SET user_type_id = NULL WHERE org_id = OLD.org_id AND user_type_id = OLD.id;
    UPDATE jobs SET target_type_id = NULL WHERE org_id = OLD.org_id AND target_type_id = OLD.id;
END;
