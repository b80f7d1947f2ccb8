-- The web handbook (issue 19): the same conversation on the commune's own
-- web address. Sign-in links and sessions, each member's web inbox (what
-- the bot said in their web chat, and what they said), the actions the
-- page sent (each applied once), the files the inbox shows, and the copy
-- of every proactive message for the members who use the web.
--
-- A web chat's id is 2^53 + the member's id (storage.WebChatID): Telegram
-- user ids have at most 52 significant bits, so the two never meet.

-- One-time sign-in links: a token of 144 random bits, stored as its
-- SHA-256 only, used once, expiring. by_member is the member who made it
-- (NULL for the command line); purpose says how it was made.
CREATE TABLE web_links (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    token_hash bytea NOT NULL UNIQUE,
    purpose    text NOT NULL CHECK (purpose IN ('telegram', 'invite', 'device')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    created_by text NOT NULL,
    by_member  bigint REFERENCES members (id),
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX web_links_member_idx ON web_links (member_id);

-- A signed-in device. The cookie holds a random token whose SHA-256 is
-- token_hash; a session ends (ended_at) when the member or an admin ends
-- it, a sixth device signs in, the member is unlinked or leaves, or 180
-- days pass from its last use.
CREATE TABLE web_sessions (
    id           bigserial PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES members (id),
    token_hash   bytea NOT NULL UNIQUE,
    link_id      bigint REFERENCES web_links (id),
    device       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    ended_at     timestamptz,
    ended_reason text NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_live_idx ON web_sessions (member_id) WHERE ended_at IS NULL;

-- Every change to a web inbox takes the next rev: the page asks for what
-- changed after the last rev it has.
CREATE SEQUENCE web_rev_seq;

-- The files the web inbox shows that have no other home: what the bot
-- sends as bytes (a spreadsheet, a chart, a PDF sheet), kept once by their
-- SHA-256. A file Telegram holds is named by its file_id instead.
CREATE TABLE web_files (
    id         bigserial PRIMARY KEY,
    sha256     bytea NOT NULL UNIQUE,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A member's web chat. id is the message id the handlers see (to edit or
-- delete it); the text and reply_markup are as the bot sent them to
-- Telegram (parse_mode HTML or plain), and the page reduces the HTML to
-- Telegram's subset when it reads them. file is {name, mime, size, ref}:
-- ref "w:<web_files id>" or "tg:<Telegram file_id>".
CREATE TABLE web_messages (
    id           bigserial PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES members (id),
    rev          bigint NOT NULL DEFAULT nextval('web_rev_seq'),
    from_member  boolean NOT NULL DEFAULT false,
    text         text NOT NULL DEFAULT '',
    parse_mode   text NOT NULL DEFAULT '',
    reply_markup jsonb,
    file         jsonb,
    photo        boolean NOT NULL DEFAULT false,
    outbox_id    bigint,
    created_at   timestamptz NOT NULL,
    edited_at    timestamptz,
    deleted_at   timestamptz
);
CREATE INDEX web_messages_member_rev_idx ON web_messages (member_id, rev);
-- What changed after a rev, in every chat: each process looks once a
-- second, to wake the long polls of the members concerned (another
-- replica, or the outbox, wrote it).
CREATE INDEX web_messages_rev_idx ON web_messages (rev);

-- What the page sent: its client id (chosen by the page, so that a press
-- sent twice is one action) gives the update id the dispatcher records;
-- web updates take negative ids, which Telegram's never are. age_ms is how
-- long before it was sent the member acted (the page's own clock).
CREATE SEQUENCE web_update_seq;
CREATE TABLE web_actions (
    member_id   bigint NOT NULL REFERENCES members (id),
    client_id   text NOT NULL,
    update_id   bigint NOT NULL UNIQUE,
    message_id  bigint,
    age_ms      bigint NOT NULL DEFAULT 0,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, client_id)
);
CREATE INDEX web_actions_received_idx ON web_actions (received_at);

-- Proactive messages reach every channel a member has. A message queued
-- for a member's Telegram chat is copied, in the same statement, to their
-- web chat when they have a live web session: pushes (COPY), reminders,
-- notices and whatever later queues one, with no code of their own. The
-- copy names its original (copy_of), so taking a reminder back takes both.
-- Web rows are not Telegram's: ClaimOutbox leaves them, and the web
-- delivery (DeliverWebOutbox) puts them in the inbox when they are due.
ALTER TABLE outbox ADD COLUMN copy_of bigint;
CREATE INDEX outbox_copy_idx ON outbox (copy_of) WHERE copy_of IS NOT NULL;
CREATE INDEX outbox_web_pending_idx ON outbox (id) WHERE state = 'pending' AND chat_id >= 9007199254740992;

CREATE FUNCTION outbox_web_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL; -- the copies' own insert
    END IF;
    INSERT INTO outbox (kind, chat_id, text, reply_markup, campaign_id, assignment_id, next_attempt_at, created_at, copy_of)
    SELECT n.kind, 9007199254740992 + m.id, n.text, n.reply_markup, n.campaign_id, n.assignment_id, n.next_attempt_at, n.created_at, n.id
    FROM new_rows n JOIN members m ON m.telegram_user_id = n.chat_id
    WHERE n.chat_id < 9007199254740992 AND n.copy_of IS NULL AND m.active
      AND EXISTS (SELECT 1 FROM web_sessions w WHERE w.member_id = m.id AND w.ended_at IS NULL);
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_web_copy AFTER INSERT ON outbox
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outbox_web_copy();
