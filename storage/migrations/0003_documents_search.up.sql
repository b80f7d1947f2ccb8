-- Word search over the folded title, summary and text. Trigram LIKE over
-- long texts reads every row when a word is common ("dang", "chi bo"), and
-- a number like "21" is too short for trigrams: at 10,000 documents that
-- costs 100+ ms a search. A tsvector of the folded words with a GIN index
-- answers from the index. Punctuation becomes a space first, so "21-kl/tw"
-- gives the words 21, kl and tw.
ALTER TABLE documents
    ADD COLUMN title_words tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        regexp_replace(search_title, '[^[:alnum:]]+', ' ', 'g'))) STORED,
    ADD COLUMN search_words tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        regexp_replace(search_title || ' ' || search_text, '[^[:alnum:]]+', ' ', 'g'))) STORED;
CREATE INDEX documents_title_words_gin ON documents USING gin (title_words);
CREATE INDEX documents_search_words_gin ON documents USING gin (search_words);
-- Newest first among published documents: a search for common words walks
-- this and stops at the tenth match instead of sorting thousands.
CREATE INDEX documents_published_idx ON documents (issued_on DESC, id DESC) WHERE status = 'published';
-- Number keys are matched by prefix ("21kl%", "^21([^0-9]|$)"): a btree in
-- pattern order answers that directly, where trigrams of "21" are everywhere.
CREATE INDEX documents_number_prefix_idx ON documents (number_key text_pattern_ops);
