-- Version 3 -> 4: where each portal user came from (`Source__s` on v8 lists) and when the portal
-- user was created (`created_time` on v8 lists: the first invitation; a reinvite moves
-- `invited_time`, not this). Existing users came from the CRM and were created when invited.
ALTER TABLE portal_users ADD COLUMN source TEXT NOT NULL DEFAULT 'CRM';
ALTER TABLE portal_users ADD COLUMN created_time INTEGER NOT NULL DEFAULT 0;
UPDATE portal_users SET created_time = invited_time;
