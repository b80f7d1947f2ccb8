-- The organisation tree has exactly one root, the commune committee: an
-- admin role there is the commune's admin. The import refuses a second row
-- without a parent; this index makes the database refuse it too.
DO $$
DECLARE
    roots text;
BEGIN
    SELECT string_agg(code, ', ' ORDER BY code) INTO roots FROM organisations WHERE parent_id IS NULL HAVING count(*) > 1;
    IF roots IS NOT NULL THEN
        RAISE EXCEPTION 'cây tổ chức có nhiều tổ chức gốc (%): hãy đặt cấp trên cho các tổ chức thừa (UPDATE organisations SET parent_id = ...) rồi chạy lại sotay migrate', roots;
    END IF;
END
$$;

CREATE UNIQUE INDEX organisations_one_root_idx ON organisations ((true)) WHERE parent_id IS NULL;
