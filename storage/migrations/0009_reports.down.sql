DROP TABLE IF EXISTS meeting_answers;
DROP TABLE IF EXISTS meetings;
DROP TABLE IF EXISTS supervision_versions;
DROP TABLE IF EXISTS meeting_versions;
DROP TABLE IF EXISTS reports;
ALTER TABLE organisations DROP COLUMN IF EXISTS founded_on;
