DROP TABLE IF EXISTS quiz_attempts;
ALTER TABLE assignments DROP COLUMN IF EXISTS quiz_score;
ALTER TABLE campaigns DROP COLUMN IF EXISTS quiz_required, DROP COLUMN IF EXISTS pass_percent;
DROP TABLE IF EXISTS quizzes;
