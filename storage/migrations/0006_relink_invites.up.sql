-- A relink invite is the one way to move an existing Telegram link to
-- another account: an admin or secretary makes it on purpose, and only it
-- may replace the link of a member who is already linked.
ALTER TABLE invites ADD COLUMN relink boolean NOT NULL DEFAULT false;
CREATE INDEX invites_open_idx ON invites (member_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- Linking now revokes a member's other invites; revoke those that earlier
-- links left open, which could otherwise take the account over.
UPDATE invites i SET revoked_at = now()
FROM members m
WHERE m.id = i.member_id AND m.telegram_user_id IS NOT NULL AND i.used_at IS NULL AND i.revoked_at IS NULL;
