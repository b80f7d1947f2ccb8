DROP TABLE IF EXISTS reminders;
DROP INDEX IF EXISTS campaigns_open_idx;
DROP INDEX IF EXISTS assignments_open_idx;
ALTER TABLE assignments
    DROP COLUMN IF EXISTS studied_how,
    DROP COLUMN IF EXISTS offline_by,
    DROP COLUMN IF EXISTS offline_by_member,
    DROP COLUMN IF EXISTS offline_at,
    DROP COLUMN IF EXISTS offline_meeting_on,
    DROP COLUMN IF EXISTS offline_prev_state,
    DROP COLUMN IF EXISTS remind_on;
ALTER TABLE campaigns
    DROP COLUMN IF EXISTS closed_at,
    DROP COLUMN IF EXISTS remind_days;
