-- The file store (issue 19): every file the handbook receives or sends is
-- kept here once, by its bytes, so that it can be served where Telegram is
-- blocked (the web handbook) and is in every pg_dump backup. A file is
-- keyed by the SHA-256 of its bytes: the same bytes are stored once.
CREATE TABLE files (
    id         bigserial PRIMARY KEY,
    sha256     bytea NOT NULL UNIQUE CHECK (octet_length(sha256) = 32),
    name       text NOT NULL DEFAULT '',
    mime       text NOT NULL DEFAULT 'application/octet-stream',
    size       integer NOT NULL CHECK (size > 0),
    data       bytea NOT NULL CHECK (octet_length(data) = size),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- A file that must not outlive its use (an invite sheet carries live
    -- invite links, kept hashed everywhere else): gone after this instant.
    expires_at timestamptz
);
-- PDFs, photos, PNG and XLSX are compressed already: kept out of line
-- without a second compression.
ALTER TABLE files ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX files_expires_idx ON files (expires_at) WHERE expires_at IS NOT NULL;

-- The Telegram file_ids known for a stored file, one per kind: a file_id
-- Telegram gave for a document cannot be sent as a photo, nor the reverse.
CREATE TABLE telegram_files (
    store_id bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    kind     text NOT NULL CHECK (kind IN ('document', 'photo', 'voice', 'audio')),
    file_id  text NOT NULL CHECK (file_id <> ''),
    PRIMARY KEY (store_id, kind)
);
CREATE INDEX telegram_files_file_id_idx ON telegram_files (file_id);

-- The files of documents and of meeting minutes. documents.file_id and
-- meeting_versions.minutes_file keep a Telegram file_id for the rows whose
-- bytes the store has not fetched yet (sent in chat before this
-- migration); they are fetched through getFile on their first use while
-- Telegram is reachable.
ALTER TABLE documents ADD COLUMN file_store_id bigint REFERENCES files (id);
ALTER TABLE meeting_versions ADD COLUMN minutes_store_id bigint REFERENCES files (id);
CREATE INDEX documents_file_store_idx ON documents (file_store_id) WHERE file_store_id IS NOT NULL;
CREATE INDEX meeting_versions_minutes_store_idx ON meeting_versions (minutes_store_id) WHERE minutes_store_id IS NOT NULL;

-- The bytes documents kept (from `sotay doc add --file`) move to the store,
-- with the file_id Telegram gave them once uploaded.
INSERT INTO files (sha256, name, mime, size, data, created_at)
SELECT DISTINCT ON (sha256(file_data)) sha256(file_data), file_name, COALESCE(NULLIF(file_mime, ''), 'application/octet-stream'),
       octet_length(file_data), file_data, created_at
FROM documents WHERE file_data IS NOT NULL AND octet_length(file_data) > 0
ORDER BY sha256(file_data), id;
UPDATE documents d SET file_store_id = f.id FROM files f
WHERE d.file_data IS NOT NULL AND octet_length(d.file_data) > 0 AND f.sha256 = sha256(d.file_data);
INSERT INTO telegram_files (store_id, kind, file_id)
SELECT DISTINCT ON (file_store_id) file_store_id, 'document', file_id FROM documents
WHERE file_store_id IS NOT NULL AND file_id <> '' ORDER BY file_store_id, id;
UPDATE documents SET file_id = '' WHERE file_store_id IS NOT NULL;
ALTER TABLE documents DROP COLUMN file_data;
