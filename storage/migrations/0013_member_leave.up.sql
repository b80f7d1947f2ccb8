-- A member who leaves (moved away, died, left the Party) stays on the
-- roster, inactive, with the day and the reason; their history stays.
ALTER TABLE members ADD COLUMN left_at timestamptz;
ALTER TABLE members ADD COLUMN left_reason text NOT NULL DEFAULT '';

-- A member made inactive before could keep their Telegram link, and that
-- account could then never link again: unlink them, revoke their open
-- invites, and write each unlink to the audit log.
WITH old AS (
    SELECT id, code, telegram_user_id FROM members WHERE NOT active AND telegram_user_id IS NOT NULL
), unlinked AS (
    UPDATE members m SET telegram_user_id = NULL, linked_at = NULL, unreachable_at = NULL, updated_at = now()
    FROM old WHERE m.id = old.id
    RETURNING old.code, old.telegram_user_id
)
INSERT INTO audit_log (at, actor, action, subject, details)
SELECT now(), 'migration', 'member.unlink', code, jsonb_build_object('telegram_user_id', telegram_user_id, 'reason', 'inactive')
FROM unlinked;

UPDATE invites i SET revoked_at = now()
FROM members m
WHERE m.id = i.member_id AND NOT m.active AND i.used_at IS NULL AND i.revoked_at IS NULL;

-- From now on an inactive member is never linked.
ALTER TABLE members ADD CONSTRAINT members_inactive_unlinked CHECK (active OR telegram_user_id IS NULL);
