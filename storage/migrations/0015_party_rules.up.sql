-- The rules of party work (issue 20): a meeting's time, the combined
-- regular-and-thematic session, attendance by name, the documents studied
-- at a meeting, and the weekly digest of warnings.

-- A regular meeting with a thematic part in the same session counts as
-- both (thuong_ky_chuyen_de); like a regular one it has a regular_month.
ALTER TABLE meeting_versions DROP CONSTRAINT meeting_versions_kind_check;
ALTER TABLE meeting_versions ADD CONSTRAINT meeting_versions_kind_check
    CHECK (kind IN ('thuong_ky', 'chuyen_de', 'thuong_ky_chuyen_de'));

-- Start and end, local times of held_on; both or neither. An end before
-- the start is after midnight.
ALTER TABLE meeting_versions
    ADD COLUMN starts_at time,
    ADD COLUMN ends_at   time,
    ADD CONSTRAINT meeting_versions_times_check CHECK ((starts_at IS NULL) = (ends_at IS NULL));

-- Attendance by name, one row per member of the cell, for each version of
-- a report that gives names (a count-only version has none; its
-- absent_reasons text stays as it was written).
CREATE TABLE meeting_attendance (
    report_id bigint NOT NULL,
    version   int NOT NULL,
    member_id bigint NOT NULL REFERENCES members (id),
    status    text NOT NULL CHECK (status IN ('present', 'absent_reason', 'absent')),
    reason    text NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, version, member_id),
    FOREIGN KEY (report_id, version) REFERENCES meeting_versions (report_id, version) ON DELETE CASCADE,
    CHECK (status = 'absent_reason' OR reason = '')
);
CREATE INDEX meeting_attendance_member_idx ON meeting_attendance (member_id);

-- Documents studied at a meeting: the campaigns named by a version.
CREATE TABLE meeting_studied (
    report_id   bigint NOT NULL,
    version     int NOT NULL,
    campaign_id bigint NOT NULL REFERENCES campaigns (id),
    PRIMARY KEY (report_id, version, campaign_id),
    FOREIGN KEY (report_id, version) REFERENCES meeting_versions (report_id, version) ON DELETE CASCADE
);

-- The weekly digest of warnings, one per member and week (the Monday): it
-- is sent once, and the next one says what is new since (alerts: the keys
-- "rule|org_code|period|member_code" it counted).
CREATE TABLE alert_digests (
    member_id bigint NOT NULL REFERENCES members (id),
    week      date NOT NULL,
    outbox_id bigint REFERENCES outbox (id) ON DELETE SET NULL,
    alerts    jsonb NOT NULL DEFAULT '[]',
    sent_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, week)
);
