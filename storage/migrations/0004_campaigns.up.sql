-- Campaigns (phổ biến văn bản), their assignments, the durable outbox and
-- the send budget every sender process shares.

CREATE TABLE campaigns (
    id                  bigserial PRIMARY KEY,
    document_id         bigint NOT NULL REFERENCES documents (id),
    due_on              date,
    created_by          text NOT NULL DEFAULT '',
    created_by_member   bigint REFERENCES members (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- The chat and status message of whoever pushed from Telegram; the
    -- sender edits it with the progress, at most every few seconds.
    notify_chat_id      bigint,
    progress_message_id int,
    progress_edited_at  timestamptz,
    -- Set when nothing is left to send and the final summary was claimed.
    finished_at         timestamptz
);
CREATE INDEX campaigns_document_idx ON campaigns (document_id);
CREATE INDEX campaigns_unfinished_idx ON campaigns (id) WHERE finished_at IS NULL;

CREATE TABLE campaign_orgs (
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    org_id      bigint NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (campaign_id, org_id)
);

-- One per member in the campaign's scope when it was created; org_id is the
-- member's organisation then, so rates keep their denominator.
CREATE TABLE assignments (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    document_id  bigint NOT NULL REFERENCES documents (id),
    member_id    bigint NOT NULL REFERENCES members (id),
    org_id       bigint NOT NULL REFERENCES organisations (id),
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'read', 'studied',
                                                                   'studied_offline', 'unreachable', 'failed')),
    reason       text NOT NULL DEFAULT '',
    delivered_at timestamptz,
    read_at      timestamptz,
    studied_at   timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, member_id)
);
CREATE INDEX assignments_member_doc_idx ON assignments (member_id, document_id);
CREATE INDEX assignments_document_idx ON assignments (document_id, state);
CREATE INDEX assignments_org_idx ON assignments (org_id);

-- Every proactive message, queued in the transaction that decides to send
-- it. A sender claims rows with FOR UPDATE SKIP LOCKED and a lease: rows a
-- killed process held are taken again once claimed_until has passed.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL,            -- push, reminder, notice...
    chat_id         bigint NOT NULL,
    text            text NOT NULL,
    reply_markup    jsonb,
    campaign_id     bigint REFERENCES campaigns (id) ON DELETE CASCADE,
    assignment_id   bigint REFERENCES assignments (id) ON DELETE CASCADE,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claimed_until   timestamptz,
    last_error      text NOT NULL DEFAULT '',
    message_id      int,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_campaign_idx ON outbox (campaign_id, state);

-- The global send budget as one GCRA row: tat is the theoretical arrival
-- time of the next message. A claim locks the row, takes evenly spaced send
-- slots from max(tat, now) on and moves tat past them, so processes that
-- share the database never exceed the rate together.
CREATE TABLE send_budget (
    id  int PRIMARY KEY CHECK (id = 1),
    tat timestamptz NOT NULL DEFAULT now()
);
INSERT INTO send_budget (id) VALUES (1);

-- Per chat: no message to this chat before next_at (Telegram's 1 msg/s).
CREATE TABLE chat_send_slots (
    chat_id bigint PRIMARY KEY,
    next_at timestamptz NOT NULL
);
