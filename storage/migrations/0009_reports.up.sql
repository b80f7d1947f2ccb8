-- Reports by message (issue 10): cell meetings and inspections or
-- supervisions, each with every version kept; announced meetings and the
-- members' answers. Organisations get an optional founding date.

ALTER TABLE organisations ADD COLUMN founded_on date;

-- One report; its figures are those of its latest version. regular_month is
-- the first day of the month of a regular (thường kỳ) meeting report, so
-- that a cell has at most one per month.
CREATE TABLE reports (
    id             bigserial PRIMARY KEY,
    type           text NOT NULL CHECK (type IN ('meeting', 'supervision')),
    org_id         bigint NOT NULL REFERENCES organisations (id),
    version        int NOT NULL DEFAULT 1,
    regular_month  date,
    held_on        date NOT NULL,
    state          text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'reviewed', 'returned')),
    review_comment text NOT NULL DEFAULT '',
    reviewed_by    bigint REFERENCES members (id),
    reviewed_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reports_regular_month_idx ON reports (org_id, regular_month) WHERE type = 'meeting' AND regular_month IS NOT NULL;
CREATE INDEX reports_held_idx ON reports (type, held_on);

CREATE TABLE meeting_versions (
    report_id      bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    version        int NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('thuong_ky', 'chuyen_de')),
    held_on        date NOT NULL,
    present        int NOT NULL CHECK (present >= 0),
    total          int NOT NULL CHECK (total >= present),
    absent_reasons text NOT NULL DEFAULT '',
    topic          text NOT NULL DEFAULT '',
    minutes_file   text NOT NULL DEFAULT '',
    change         text NOT NULL DEFAULT 'created' CHECK (change IN ('created', 'corrected', 'replaced')),
    reported_by    bigint REFERENCES members (id),
    reported_at    timestamptz NOT NULL,
    PRIMARY KEY (report_id, version)
);

CREATE TABLE supervision_versions (
    report_id        bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    version          int NOT NULL,
    body             text NOT NULL DEFAULT 'cap_uy' CHECK (body IN ('cap_uy', 'ubkt')),
    kind             text NOT NULL CHECK (kind IN ('kiem_tra', 'giam_sat')),
    held_on          date NOT NULL,
    orgs_examined    int NOT NULL CHECK (orgs_examined >= 0),
    members_examined int NOT NULL CHECK (members_examined >= 0),
    violations       int NOT NULL CHECK (violations >= 0),
    content          text NOT NULL DEFAULT '',
    measures         text NOT NULL DEFAULT '',
    change           text NOT NULL DEFAULT 'created' CHECK (change IN ('created', 'corrected', 'replaced')),
    reported_by      bigint REFERENCES members (id),
    reported_at      timestamptz NOT NULL,
    PRIMARY KEY (report_id, version)
);

-- A meeting announced by a secretary (/lichhop), and one row per member of
-- the cell then, with their answer.
CREATE TABLE meetings (
    id           bigserial PRIMARY KEY,
    org_id       bigint NOT NULL REFERENCES organisations (id),
    starts_at    timestamptz NOT NULL,
    place        text NOT NULL DEFAULT '',
    topic        text NOT NULL DEFAULT '',
    announced_by bigint REFERENCES members (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meetings_org_idx ON meetings (org_id, starts_at);

CREATE TABLE meeting_answers (
    meeting_id  bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id   bigint NOT NULL REFERENCES members (id),
    answer      text NOT NULL DEFAULT '' CHECK (answer IN ('', 'present', 'absent')),
    reason      text NOT NULL DEFAULT '',
    answered_at timestamptz,
    -- The evening-before reminder queued for this member, while pending.
    reminder_id bigint REFERENCES outbox (id) ON DELETE SET NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_answers_member_idx ON meeting_answers (member_id);
