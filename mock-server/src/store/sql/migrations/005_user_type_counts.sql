-- Version 4 -> 5: a module's fields, and a module by its API name, found through an index (a
-- user type's validation and an invitation read them); and each user type keeps the counts of
-- its active and deactivated portal users (what GET user types and the v8 answers show) instead
-- of counting them on every request. Existing rows are counted once here; from then on the
-- triggers below keep the counts in the same statement (so the same transaction) as every
-- insert, delete, transfer or status change of a portal user, whichever code or tool writes it.
ALTER TABLE user_types ADD COLUMN active_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_types ADD COLUMN inactive_users INTEGER NOT NULL DEFAULT 0;
UPDATE user_types SET
    active_users = (SELECT COUNT(*) FROM portal_users p
                    WHERE p.org_id = user_types.org_id AND p.user_type_id = user_types.id
                      AND p.active = 1),
    inactive_users = (SELECT COUNT(*) FROM portal_users p
                      WHERE p.org_id = user_types.org_id AND p.user_type_id = user_types.id
                        AND p.active = 0);

CREATE INDEX IF NOT EXISTS fields_by_module ON fields (org_id, module_id, id);
CREATE INDEX IF NOT EXISTS modules_by_api_name ON modules (org_id, api_name COLLATE NOCASE);

CREATE TRIGGER IF NOT EXISTS portal_users_counted_on_insert AFTER INSERT ON portal_users
BEGIN
    UPDATE user_types
       SET active_users = active_users + (NEW.active = 1),
           inactive_users = inactive_users + (NEW.active = 0)
     WHERE org_id = NEW.org_id AND id = NEW.user_type_id;
END;

CREATE TRIGGER IF NOT EXISTS portal_users_counted_on_delete AFTER DELETE ON portal_users
BEGIN
    UPDATE user_types
       SET active_users = active_users - (OLD.active = 1),
           inactive_users = inactive_users - (OLD.active = 0)
     WHERE org_id = OLD.org_id AND id = OLD.user_type_id;
END;

CREATE TRIGGER IF NOT EXISTS portal_users_counted_on_update
AFTER UPDATE OF org_id, user_type_id, active ON portal_users
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.user_type_id IS NOT NEW.user_type_id
     OR OLD.active IS NOT NEW.active
BEGIN
    UPDATE user_types
       SET active_users = active_users - (OLD.active = 1),
           inactive_users = inactive_users - (OLD.active = 0)
     WHERE org_id = OLD.org_id AND id = OLD.user_type_id;
    UPDATE user_types
       SET active_users = active_users + (NEW.active = 1),
           inactive_users = inactive_users + (NEW.active = 0)
     WHERE org_id = NEW.org_id AND id = NEW.user_type_id;
END;
