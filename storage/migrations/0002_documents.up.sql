-- Documents (văn bản) of the handbook.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('nghi_quyet', 'chi_thi', 'ket_luan', 'quy_dinh', 'quy_che',
                                               'ke_hoach', 'huong_dan', 'thong_bao', 'cong_van', 'tai_lieu')),
    number       text NOT NULL,          -- as written: "21-KL/TW"
    issuer       text NOT NULL DEFAULT '',
    issued_on    date NOT NULL,
    title        text NOT NULL,
    summary      text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '', -- full text, optional
    -- The attached file: its bytes are kept until Telegram has it, then the
    -- cached file_id is used.
    file_name    text NOT NULL DEFAULT '',
    file_mime    text NOT NULL DEFAULT '',
    file_data    bytea,
    file_id      text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
    -- Search keys, folded in Go (lower case, no diacritics, đ → d).
    number_key   text NOT NULL DEFAULT '', -- letters and digits of the number: "21kltw"
    search_title text NOT NULL DEFAULT '',
    search_text  text NOT NULL DEFAULT '', -- summary and body
    created_by   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    withdrawn_at timestamptz
);
CREATE UNIQUE INDEX documents_number_idx ON documents (number_key, issuer);
CREATE INDEX documents_status_idx ON documents (status, kind, issued_on DESC);
CREATE INDEX documents_number_trgm ON documents USING gin (number_key gin_trgm_ops);
CREATE INDEX documents_title_trgm ON documents USING gin (search_title gin_trgm_ops);
CREATE INDEX documents_text_trgm ON documents USING gin (search_text gin_trgm_ops);

-- Who may browse a document: members of these subtrees. No row means the
-- whole commune. Members assigned the document in a campaign always may.
CREATE TABLE document_audiences (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    org_id      bigint NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (document_id, org_id)
);
