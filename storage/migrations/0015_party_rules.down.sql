DROP TABLE alert_digests;
DROP TABLE meeting_studied;
DROP TABLE meeting_attendance;
ALTER TABLE meeting_versions DROP CONSTRAINT meeting_versions_times_check;
ALTER TABLE meeting_versions DROP COLUMN ends_at, DROP COLUMN starts_at;
-- A combined session goes back to regular, the kind it also was.
UPDATE meeting_versions SET kind = 'thuong_ky' WHERE kind = 'thuong_ky_chuyen_de';
ALTER TABLE meeting_versions DROP CONSTRAINT meeting_versions_kind_check;
ALTER TABLE meeting_versions ADD CONSTRAINT meeting_versions_kind_check CHECK (kind IN ('thuong_ky', 'chuyen_de'));
