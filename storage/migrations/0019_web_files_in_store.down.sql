-- The web inbox's files go back to a table of their own; the stored files
-- stay in the store.
CREATE TABLE web_files (
    id         bigserial PRIMARY KEY,
    sha256     bytea NOT NULL UNIQUE,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO web_files (sha256, data, created_at)
SELECT f.sha256, f.data, f.created_at FROM files f
WHERE EXISTS (SELECT 1 FROM web_messages m WHERE m.file->>'ref' = 'store:' || f.id);

UPDATE web_messages m SET file = jsonb_set(m.file, '{ref}', to_jsonb('w:' || w.id))
FROM files f JOIN web_files w ON w.sha256 = f.sha256
WHERE m.file->>'ref' = 'store:' || f.id;
