-- Voice summaries (issue 21): a short summary of a document recorded by a
-- person in the members' own languages, kept in the file store, listened
-- to in Telegram, and counted beside reading.

-- The languages summaries are recorded in; `sotay lang add` extends the
-- list. Codes are ISO 639 (two or three letters).
CREATE TABLE languages (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z]{2,3}$'),
    name       text NOT NULL CHECK (name <> '' AND length(name) <= 40),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX languages_name_idx ON languages (lower(name));
INSERT INTO languages (code, name) VALUES ('vi', 'Tiếng Việt'), ('blt', 'Thái'), ('hmn', 'Mông'), ('ium', 'Dao');

-- The language of the summaries a member is offered (everything else stays
-- Vietnamese).
ALTER TABLE members ADD COLUMN voice_lang text NOT NULL DEFAULT 'vi' REFERENCES languages (code);

-- Every recording of a document's summary in a language, one version
-- after another: the newest is the one members hear, the earlier ones stay
-- with who recorded them and when. kind is what Telegram holds it as (a
-- voice note, or an audio file): a file_id of one cannot be sent as the
-- other.
CREATE TABLE voice_summaries (
    id          bigserial PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id),
    lang        text NOT NULL REFERENCES languages (code),
    version     int NOT NULL CHECK (version > 0),
    store_id    bigint NOT NULL REFERENCES files (id),
    kind        text NOT NULL CHECK (kind IN ('voice', 'audio')),
    format      text NOT NULL CHECK (format IN ('ogg_opus', 'mp3', 'm4a')),
    seconds     int NOT NULL CHECK (seconds BETWEEN 1 AND 600),
    recorded_by bigint REFERENCES members (id),
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, lang, version)
);

-- Who listened to which recording, and the assignment the listening
-- counted for (none when the member had no open one).
CREATE TABLE voice_listens (
    id            bigserial PRIMARY KEY,
    summary_id    bigint NOT NULL REFERENCES voice_summaries (id),
    member_id     bigint NOT NULL REFERENCES members (id),
    assignment_id bigint REFERENCES assignments (id) ON DELETE SET NULL,
    listened_at   timestamptz NOT NULL
);
CREATE INDEX voice_listens_member_idx ON voice_listens (member_id, summary_id);
CREATE INDEX voice_listens_assignment_idx ON voice_listens (assignment_id) WHERE assignment_id IS NOT NULL;

-- An assignment whose member listened to the summary, whatever its state:
-- counted beside the states in study_counts.listened, not one of them.
ALTER TABLE assignments ADD COLUMN listened_at timestamptz;
ALTER TABLE study_counts ADD COLUMN listened int NOT NULL DEFAULT 0;

-- The roll-up's triggers (0011) count listened too.
CREATE OR REPLACE FUNCTION study_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT campaign_id, org_id, document_id, state, listened, sum(d)::int AS d FROM (
                SELECT campaign_id, org_id, document_id, state, listened_at IS NOT NULL AS listened, 1 AS d FROM new_rows) x
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0)
        INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
            studied_offline, unreachable, failed, listened)
        SELECT campaign_id, org_id, min(document_id), sum(d),
            COALESCE(sum(d) FILTER (WHERE state = 'pending'), 0), COALESCE(sum(d) FILTER (WHERE state = 'delivered'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'read'), 0), COALESCE(sum(d) FILTER (WHERE state = 'studied'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'studied_offline'), 0), COALESCE(sum(d) FILTER (WHERE state = 'unreachable'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'failed'), 0), COALESCE(sum(d) FILTER (WHERE listened), 0)
        FROM delta GROUP BY campaign_id, org_id ORDER BY campaign_id, org_id
        ON CONFLICT (campaign_id, org_id) DO UPDATE SET
            assigned = s.assigned + EXCLUDED.assigned, pending = s.pending + EXCLUDED.pending,
            delivered = s.delivered + EXCLUDED.delivered, read = s.read + EXCLUDED.read,
            studied = s.studied + EXCLUDED.studied, studied_offline = s.studied_offline + EXCLUDED.studied_offline,
            unreachable = s.unreachable + EXCLUDED.unreachable, failed = s.failed + EXCLUDED.failed,
            listened = s.listened + EXCLUDED.listened;
    ELSIF TG_OP = 'DELETE' THEN
        WITH delta AS (
            SELECT campaign_id, org_id, document_id, state, listened, sum(d)::int AS d FROM (
                SELECT campaign_id, org_id, document_id, state, listened_at IS NOT NULL AS listened, -1 AS d FROM old_rows) x
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0)
        INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
            studied_offline, unreachable, failed, listened)
        SELECT campaign_id, org_id, min(document_id), sum(d),
            COALESCE(sum(d) FILTER (WHERE state = 'pending'), 0), COALESCE(sum(d) FILTER (WHERE state = 'delivered'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'read'), 0), COALESCE(sum(d) FILTER (WHERE state = 'studied'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'studied_offline'), 0), COALESCE(sum(d) FILTER (WHERE state = 'unreachable'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'failed'), 0), COALESCE(sum(d) FILTER (WHERE listened), 0)
        FROM delta GROUP BY campaign_id, org_id ORDER BY campaign_id, org_id
        ON CONFLICT (campaign_id, org_id) DO UPDATE SET
            assigned = s.assigned + EXCLUDED.assigned, pending = s.pending + EXCLUDED.pending,
            delivered = s.delivered + EXCLUDED.delivered, read = s.read + EXCLUDED.read,
            studied = s.studied + EXCLUDED.studied, studied_offline = s.studied_offline + EXCLUDED.studied_offline,
            unreachable = s.unreachable + EXCLUDED.unreachable, failed = s.failed + EXCLUDED.failed,
            listened = s.listened + EXCLUDED.listened;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION study_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.campaign_id = NEW.campaign_id AND OLD.org_id = NEW.org_id THEN
        UPDATE study_counts SET
            pending = pending + (NEW.state = 'pending')::int - (OLD.state = 'pending')::int,
            delivered = delivered + (NEW.state = 'delivered')::int - (OLD.state = 'delivered')::int,
            read = read + (NEW.state = 'read')::int - (OLD.state = 'read')::int,
            studied = studied + (NEW.state = 'studied')::int - (OLD.state = 'studied')::int,
            studied_offline = studied_offline + (NEW.state = 'studied_offline')::int - (OLD.state = 'studied_offline')::int,
            unreachable = unreachable + (NEW.state = 'unreachable')::int - (OLD.state = 'unreachable')::int,
            failed = failed + (NEW.state = 'failed')::int - (OLD.state = 'failed')::int,
            listened = listened + (NEW.listened_at IS NOT NULL)::int - (OLD.listened_at IS NOT NULL)::int
        WHERE campaign_id = NEW.campaign_id AND org_id = NEW.org_id;
        RETURN NULL;
    END IF;
    UPDATE study_counts SET assigned = assigned - 1,
        pending = pending - (OLD.state = 'pending')::int, delivered = delivered - (OLD.state = 'delivered')::int,
        read = read - (OLD.state = 'read')::int, studied = studied - (OLD.state = 'studied')::int,
        studied_offline = studied_offline - (OLD.state = 'studied_offline')::int,
        unreachable = unreachable - (OLD.state = 'unreachable')::int, failed = failed - (OLD.state = 'failed')::int,
        listened = listened - (OLD.listened_at IS NOT NULL)::int
    WHERE campaign_id = OLD.campaign_id AND org_id = OLD.org_id;
    INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
        studied_offline, unreachable, failed, listened)
    VALUES (NEW.campaign_id, NEW.org_id, NEW.document_id, 1, (NEW.state = 'pending')::int, (NEW.state = 'delivered')::int,
        (NEW.state = 'read')::int, (NEW.state = 'studied')::int, (NEW.state = 'studied_offline')::int,
        (NEW.state = 'unreachable')::int, (NEW.state = 'failed')::int, (NEW.listened_at IS NOT NULL)::int)
    ON CONFLICT (campaign_id, org_id) DO UPDATE SET
        assigned = s.assigned + 1, pending = s.pending + EXCLUDED.pending, delivered = s.delivered + EXCLUDED.delivered,
        read = s.read + EXCLUDED.read, studied = s.studied + EXCLUDED.studied,
        studied_offline = s.studied_offline + EXCLUDED.studied_offline, unreachable = s.unreachable + EXCLUDED.unreachable,
        failed = s.failed + EXCLUDED.failed, listened = s.listened + EXCLUDED.listened;
    RETURN NULL;
END $$;

DROP TRIGGER study_counts_update ON assignments;
CREATE CONSTRAINT TRIGGER study_counts_update AFTER UPDATE ON assignments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.org_id IS DISTINCT FROM NEW.org_id
        OR OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR (OLD.listened_at IS NULL) <> (NEW.listened_at IS NULL))
    EXECUTE FUNCTION study_counts_move();
