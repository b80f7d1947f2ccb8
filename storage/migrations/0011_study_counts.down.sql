DROP INDEX IF EXISTS reports_type_held_org_idx;
DROP TRIGGER IF EXISTS study_counts_insert ON assignments;
DROP TRIGGER IF EXISTS study_counts_update ON assignments;
DROP TRIGGER IF EXISTS study_counts_delete ON assignments;
DROP FUNCTION IF EXISTS study_counts_apply();
DROP FUNCTION IF EXISTS study_counts_move();
DROP TABLE IF EXISTS study_counts;
