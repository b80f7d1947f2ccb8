-- Quizzes: 3–10 multiple-choice questions attached to a document. A
-- changed quiz is a new version; attempts keep pointing at the version
-- they answered, so old attempts stay readable.
CREATE TABLE quizzes (
    id          bigserial PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id),
    version     int NOT NULL,
    -- [{"q": text, "o": [A, B, C, D...], "a": index of the right option, "e": explanation}]
    questions   jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL DEFAULT '',
    replaced_at timestamptz,
    UNIQUE (document_id, version)
);
CREATE UNIQUE INDEX quizzes_current_idx ON quizzes (document_id) WHERE replaced_at IS NULL;

ALTER TABLE campaigns
    -- The campaign takes study only by passing the quiz, at pass_percent.
    ADD COLUMN quiz_required boolean NOT NULL DEFAULT false,
    ADD COLUMN pass_percent  int NOT NULL DEFAULT 80 CHECK (pass_percent BETWEEN 1 AND 100);

-- The passing attempt's score, in percent.
ALTER TABLE assignments ADD COLUMN quiz_score int;

CREATE TABLE quiz_attempts (
    id            bigserial PRIMARY KEY,
    assignment_id bigint NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    quiz_id       bigint NOT NULL REFERENCES quizzes (id),
    member_id     bigint NOT NULL REFERENCES members (id),
    answers       jsonb NOT NULL DEFAULT '[]', -- the option chosen per question, in order
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    correct       int,
    total         int NOT NULL,
    passed        boolean
);
CREATE INDEX quiz_attempts_assignment_idx ON quiz_attempts (assignment_id, started_at);
