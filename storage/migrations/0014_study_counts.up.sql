-- Officer figures at province scale (issue 11): assignments counted per
-- campaign and organisation (where the assignment placed the member), one
-- column per state, kept by statement-level triggers in the same
-- transaction as the change, so that a period's rate reads one row per
-- campaign and organisation instead of one per member. Counters change in
-- key order, so that two transactions touching the same ones take their
-- locks in the same order; a change that leaves every count as it was
-- (a timestamp, a reason) touches none.

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
    ELSE
        WITH delta AS (
            SELECT campaign_id, org_id, document_id, state, sum(d)::int AS d FROM (SELECT campaign_id, org_id, document_id, state, 1 AS d FROM new_rows UNION ALL SELECT campaign_id, org_id, document_id, state, -1 AS d FROM old_rows) x
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
CREATE TRIGGER study_counts_update AFTER UPDATE ON assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();
CREATE TRIGGER study_counts_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();

-- Reports by the day they were held, for the figures of a month or period.
CREATE INDEX reports_type_held_org_idx ON reports (type, held_on, org_id);
