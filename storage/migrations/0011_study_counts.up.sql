-- Officer figures at province scale (issue 11): assignments counted per
-- campaign and organisation (where the assignment placed the member), one
-- column per state, kept by statement-level triggers in the same
-- transaction as the change, so that a period's rate reads one row per
-- campaign and organisation instead of one per member. Inserts and deletes
-- (a campaign's assignments at once) are counted per statement, in key
-- order. A change of state is counted by a deferred row trigger, at
-- commit: the counter row of a cell is locked for the moment of the commit
-- only, not while a handler's transaction runs, so members of one cell
-- pressing "Tôi đã học" and the sender marking deliveries do not queue
-- behind each other; a change that leaves the state as it was (a
-- timestamp, a reason, a reminder day) counts nothing.

CREATE TABLE study_counts (
    campaign_id     bigint NOT NULL,
    org_id          bigint NOT NULL,
    document_id     bigint NOT NULL,
    assigned        int NOT NULL DEFAULT 0,
    pending         int NOT NULL DEFAULT 0,
    delivered       int NOT NULL DEFAULT 0,
    read            int NOT NULL DEFAULT 0,
    studied         int NOT NULL DEFAULT 0,
    studied_offline int NOT NULL DEFAULT 0,
    unreachable     int NOT NULL DEFAULT 0,
    failed          int NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, org_id)
);

CREATE FUNCTION study_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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

INSERT INTO study_counts (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied, studied_offline, unreachable, failed)
SELECT campaign_id, org_id, min(document_id), count(*),
    count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'read'),
    count(*) FILTER (WHERE state = 'studied'), count(*) FILTER (WHERE state = 'studied_offline'),
    count(*) FILTER (WHERE state = 'unreachable'), count(*) FILTER (WHERE state = 'failed')
FROM assignments GROUP BY campaign_id, org_id;

CREATE TRIGGER study_counts_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();
CREATE FUNCTION study_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER study_counts_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();

-- Reports by the day they were held, for the figures of a month or period.
CREATE INDEX reports_type_held_org_idx ON reports (type, held_on, org_id);
