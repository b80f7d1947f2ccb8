-- Back to bytes in documents and file_ids alone: a document's stored file
-- returns to documents.file_data, with the file_id Telegram gave it; a
-- minutes photo keeps the file_id it came with (one uploaded without
-- Telegram is lost, as that schema cannot hold it).
ALTER TABLE documents ADD COLUMN file_data bytea;
UPDATE documents d SET
    file_data = (SELECT f.data FROM files f WHERE f.id = d.file_store_id),
    file_id = COALESCE(NULLIF(d.file_id, ''), (SELECT t.file_id FROM telegram_files t WHERE t.store_id = d.file_store_id
        AND t.kind = CASE WHEN d.file_name = '' THEN 'photo' ELSE 'document' END), '')
WHERE d.file_store_id IS NOT NULL;
UPDATE meeting_versions v SET minutes_file = COALESCE((SELECT t.file_id FROM telegram_files t WHERE t.store_id = v.minutes_store_id
    ORDER BY t.kind = 'photo' DESC LIMIT 1), '')
WHERE v.minutes_store_id IS NOT NULL AND v.minutes_file = '';
ALTER TABLE meeting_versions DROP COLUMN minutes_store_id;
ALTER TABLE documents DROP COLUMN file_store_id;
DROP TABLE telegram_files;
DROP TABLE files;
