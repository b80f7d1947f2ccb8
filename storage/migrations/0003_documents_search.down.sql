DROP INDEX IF EXISTS documents_number_prefix_idx;
DROP INDEX IF EXISTS documents_published_idx;
DROP INDEX IF EXISTS documents_search_words_gin;
DROP INDEX IF EXISTS documents_title_words_gin;
ALTER TABLE documents DROP COLUMN IF EXISTS search_words, DROP COLUMN IF EXISTS title_words;
