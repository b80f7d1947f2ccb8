-- Study participation: closing campaigns, reminders, offline study.

ALTER TABLE campaigns
    -- A closed campaign takes no more "Tôi đã học" and sends no reminders;
    -- its figures stay.
    ADD COLUMN closed_at   timestamptz,
    -- Automatic reminders start this many days before due_on.
    ADD COLUMN remind_days int NOT NULL DEFAULT 3 CHECK (remind_days BETWEEN 0 AND 90);

ALTER TABLE assignments
    -- How a studied assignment was studied: online (the button), quiz, offline.
    ADD COLUMN studied_how        text NOT NULL DEFAULT '' CHECK (studied_how IN ('', 'online', 'quiz', 'offline')),
    -- Offline study: who ticked it, when, for which meeting date, and the
    -- state before the tick, which an untick within 24 h restores.
    ADD COLUMN offline_by         text NOT NULL DEFAULT '',
    ADD COLUMN offline_by_member  bigint REFERENCES members (id),
    ADD COLUMN offline_at         timestamptz,
    ADD COLUMN offline_meeting_on date,
    ADD COLUMN offline_prev_state text,
    -- "Nhắc lại sau": remind again on this day even outside the window.
    ADD COLUMN remind_on          date;

UPDATE assignments SET studied_how = CASE state WHEN 'studied' THEN 'online' WHEN 'studied_offline' THEN 'offline' ELSE '' END
WHERE state IN ('studied', 'studied_offline');

-- The reminder sweep reads only the open assignments of open campaigns.
CREATE INDEX assignments_open_idx ON assignments (campaign_id, member_id) WHERE state IN ('delivered', 'read');
CREATE INDEX campaigns_open_idx ON campaigns (due_on) WHERE closed_at IS NULL;

-- One row per member and local day a reminder went (or is queued) to them:
-- the primary key makes "at most one a day" hold across every process.
CREATE TABLE reminders (
    member_id      bigint NOT NULL REFERENCES members (id),
    day            date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    trigger        text NOT NULL,           -- auto, or the asker: tg:<user>, cli
    assignment_ids bigint[] NOT NULL,
    outbox_id      bigint REFERENCES outbox (id) ON DELETE SET NULL,
    PRIMARY KEY (member_id, day)
);
