ALTER TABLE members DROP CONSTRAINT IF EXISTS members_inactive_unlinked;
ALTER TABLE members DROP COLUMN IF EXISTS left_reason;
ALTER TABLE members DROP COLUMN IF EXISTS left_at;
