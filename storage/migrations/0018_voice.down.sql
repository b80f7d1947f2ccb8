-- Back to the roll-up of 0011 (no listened count), no languages, no voice
-- summaries; the recordings' bytes stay in the file store.
DROP TRIGGER study_counts_update ON assignments;
CREATE OR REPLACE FUNCTION study_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT campaign_id, org_id, document_id, state, sum(d)::int AS d FROM (SELECT campaign_id, org_id, document_id, state, 1 AS d FROM new_rows) x
            GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0)
        INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
            studied_offline, unreachable, failed)
        SELECT campaign_id, org_id, min(document_id), sum(d),
            COALESCE(sum(d) FILTER (WHERE state = 'pending'), 0), COALESCE(sum(d) FILTER (WHERE state = 'delivered'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'read'), 0), COALESCE(sum(d) FILTER (WHERE state = 'studied'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'studied_offline'), 0), COALESCE(sum(d) FILTER (WHERE state = 'unreachable'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'failed'), 0)
        FROM delta GROUP BY campaign_id, org_id ORDER BY campaign_id, org_id
        ON CONFLICT (campaign_id, org_id) DO UPDATE SET
            assigned = s.assigned + EXCLUDED.assigned, pending = s.pending + EXCLUDED.pending,
            delivered = s.delivered + EXCLUDED.delivered, read = s.read + EXCLUDED.read,
            studied = s.studied + EXCLUDED.studied, studied_offline = s.studied_offline + EXCLUDED.studied_offline,
            unreachable = s.unreachable + EXCLUDED.unreachable, failed = s.failed + EXCLUDED.failed;
    ELSIF TG_OP = 'DELETE' THEN
        WITH delta AS (
            SELECT campaign_id, org_id, document_id, state, sum(d)::int AS d FROM (SELECT campaign_id, org_id, document_id, state, -1 AS d FROM old_rows) x
            GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0)
        INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
            studied_offline, unreachable, failed)
        SELECT campaign_id, org_id, min(document_id), sum(d),
            COALESCE(sum(d) FILTER (WHERE state = 'pending'), 0), COALESCE(sum(d) FILTER (WHERE state = 'delivered'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'read'), 0), COALESCE(sum(d) FILTER (WHERE state = 'studied'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'studied_offline'), 0), COALESCE(sum(d) FILTER (WHERE state = 'unreachable'), 0),
            COALESCE(sum(d) FILTER (WHERE state = 'failed'), 0)
        FROM delta GROUP BY campaign_id, org_id ORDER BY campaign_id, org_id
        ON CONFLICT (campaign_id, org_id) DO UPDATE SET
            assigned = s.assigned + EXCLUDED.assigned, pending = s.pending + EXCLUDED.pending,
            delivered = s.delivered + EXCLUDED.delivered, read = s.read + EXCLUDED.read,
            studied = s.studied + EXCLUDED.studied, studied_offline = s.studied_offline + EXCLUDED.studied_offline,
            unreachable = s.unreachable + EXCLUDED.unreachable, failed = s.failed + EXCLUDED.failed;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION study_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The row as it is at commit: a row changed twice in one transaction
    -- fires twice, each with its own OLD and NEW, and the deltas add up.
    IF OLD.campaign_id = NEW.campaign_id AND OLD.org_id = NEW.org_id THEN
        UPDATE study_counts SET
            pending = pending + (NEW.state = 'pending')::int - (OLD.state = 'pending')::int,
            delivered = delivered + (NEW.state = 'delivered')::int - (OLD.state = 'delivered')::int,
            read = read + (NEW.state = 'read')::int - (OLD.state = 'read')::int,
            studied = studied + (NEW.state = 'studied')::int - (OLD.state = 'studied')::int,
            studied_offline = studied_offline + (NEW.state = 'studied_offline')::int - (OLD.state = 'studied_offline')::int,
            unreachable = unreachable + (NEW.state = 'unreachable')::int - (OLD.state = 'unreachable')::int,
            failed = failed + (NEW.state = 'failed')::int - (OLD.state = 'failed')::int
        WHERE campaign_id = NEW.campaign_id AND org_id = NEW.org_id;
        RETURN NULL;
    END IF;
    UPDATE study_counts SET assigned = assigned - 1,
        pending = pending - (OLD.state = 'pending')::int, delivered = delivered - (OLD.state = 'delivered')::int,
        read = read - (OLD.state = 'read')::int, studied = studied - (OLD.state = 'studied')::int,
        studied_offline = studied_offline - (OLD.state = 'studied_offline')::int,
        unreachable = unreachable - (OLD.state = 'unreachable')::int, failed = failed - (OLD.state = 'failed')::int
    WHERE campaign_id = OLD.campaign_id AND org_id = OLD.org_id;
    INSERT INTO study_counts AS s (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
        studied_offline, unreachable, failed)
    VALUES (NEW.campaign_id, NEW.org_id, NEW.document_id, 1, (NEW.state = 'pending')::int, (NEW.state = 'delivered')::int,
        (NEW.state = 'read')::int, (NEW.state = 'studied')::int, (NEW.state = 'studied_offline')::int,
        (NEW.state = 'unreachable')::int, (NEW.state = 'failed')::int)
    ON CONFLICT (campaign_id, org_id) DO UPDATE SET
        assigned = s.assigned + 1, pending = s.pending + EXCLUDED.pending, delivered = s.delivered + EXCLUDED.delivered,
        read = s.read + EXCLUDED.read, studied = s.studied + EXCLUDED.studied,
        studied_offline = s.studied_offline + EXCLUDED.studied_offline, unreachable = s.unreachable + EXCLUDED.unreachable,
        failed = s.failed + EXCLUDED.failed;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER study_counts_update AFTER UPDATE ON assignments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.org_id IS DISTINCT FROM NEW.org_id
        OR OLD.campaign_id IS DISTINCT FROM NEW.campaign_id)
    EXECUTE FUNCTION study_counts_move();

ALTER TABLE study_counts DROP COLUMN listened;
ALTER TABLE assignments DROP COLUMN listened_at;
DROP TABLE voice_listens;
DROP TABLE voice_summaries;
ALTER TABLE members DROP COLUMN voice_lang;
DROP TABLE languages;
