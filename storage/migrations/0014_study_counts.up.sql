-- Officer figures at province scale (issue 11): assignments counted per
-- campaign, organisation (where the assignment placed the member) and
-- state, kept by statement-level triggers in the same transaction as the
-- change, so a period's rate reads a few thousand rows instead of
-- millions. Upserts are made in key order, so that two transactions
-- touching the same counters take their locks in the same order.

CREATE TABLE study_counts (
    campaign_id bigint NOT NULL,
    document_id bigint NOT NULL,
    org_id      bigint NOT NULL,
    state       text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (campaign_id, org_id, state)
);

INSERT INTO study_counts (campaign_id, document_id, org_id, state, n)
SELECT campaign_id, document_id, org_id, state, count(*) FROM assignments GROUP BY 1, 2, 3, 4;

CREATE FUNCTION study_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO study_counts AS s (campaign_id, document_id, org_id, state, n)
        SELECT campaign_id, document_id, org_id, state, count(*) FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4
        ON CONFLICT (campaign_id, org_id, state) DO UPDATE SET n = s.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO study_counts AS s (campaign_id, document_id, org_id, state, n)
        SELECT campaign_id, document_id, org_id, state, -count(*) FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4
        ON CONFLICT (campaign_id, org_id, state) DO UPDATE SET n = s.n + EXCLUDED.n;
    ELSE
        INSERT INTO study_counts AS s (campaign_id, document_id, org_id, state, n)
        SELECT campaign_id, document_id, org_id, state, sum(d) FROM (
            SELECT campaign_id, document_id, org_id, state, 1 AS d FROM new_rows
            UNION ALL
            SELECT campaign_id, document_id, org_id, state, -1 AS d FROM old_rows) x
        GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 3, 4
        ON CONFLICT (campaign_id, org_id, state) DO UPDATE SET n = s.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER study_counts_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();
CREATE TRIGGER study_counts_update AFTER UPDATE ON assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();
CREATE TRIGGER study_counts_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION study_counts_apply();

-- Reports by the day they were held, for the figures of a month or period.
CREATE INDEX reports_type_held_org_idx ON reports (type, held_on, org_id);
