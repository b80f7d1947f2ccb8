-- The web inbox's files move to the file store (0016): web_files kept the
-- bytes the bot sent to web chats apart; now every file is in `files`,
-- once by its SHA-256, and a web message's file names it by its store
-- reference ("store:<files id>"). A file named "tg:<file_id>" stays so
-- until its bytes are fetched and adopted into the store.
INSERT INTO files (sha256, name, mime, size, data, created_at)
SELECT w.sha256,
       COALESCE((SELECT m.file->>'name' FROM web_messages m WHERE m.file->>'ref' = 'w:' || w.id ORDER BY m.id LIMIT 1), ''),
       COALESCE((SELECT NULLIF(m.file->>'mime', '') FROM web_messages m WHERE m.file->>'ref' = 'w:' || w.id ORDER BY m.id LIMIT 1),
                'application/octet-stream'),
       octet_length(w.data), w.data, w.created_at
FROM web_files w WHERE octet_length(w.data) > 0
ON CONFLICT (sha256) DO NOTHING;

UPDATE web_messages m SET file = jsonb_set(m.file, '{ref}', to_jsonb('store:' || f.id))
FROM web_files w JOIN files f ON f.sha256 = w.sha256
WHERE m.file->>'ref' = 'w:' || w.id;

DROP TABLE web_files;
