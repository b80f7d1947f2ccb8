DROP INDEX IF EXISTS organisations_one_root_idx;
