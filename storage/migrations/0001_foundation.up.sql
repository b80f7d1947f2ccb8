-- Foundation: organisations, members, roles, invites, Telegram links,
-- processed updates, dialog state and the audit log.

CREATE TABLE organisations (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('dang_bo', 'chi_bo')),
    parent_id    bigint REFERENCES organisations (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    dissolved_at timestamptz,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX organisations_parent_idx ON organisations (parent_id);

-- Every rename, move and dissolution, so reports of a period show the
-- organisation as it was then.
CREATE TABLE organisation_history (
    id        bigserial PRIMARY KEY,
    org_id    bigint NOT NULL REFERENCES organisations (id),
    at        timestamptz NOT NULL DEFAULT now(),
    change    text NOT NULL CHECK (change IN ('created', 'renamed', 'moved', 'dissolved', 'restored', 'kind')),
    old_value text NOT NULL DEFAULT '',
    new_value text NOT NULL DEFAULT ''
);
CREATE INDEX organisation_history_org_idx ON organisation_history (org_id, at);

CREATE TABLE members (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE,
    full_name        text NOT NULL,
    org_id           bigint NOT NULL REFERENCES organisations (id),
    gender           text NOT NULL DEFAULT '' CHECK (gender IN ('', 'nam', 'nu')),
    birth_year       int CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100),
    ethnicity        text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'chinh_thuc' CHECK (status IN ('chinh_thuc', 'du_bi')),
    phone            text NOT NULL DEFAULT '',
    active           boolean NOT NULL DEFAULT true,
    telegram_user_id bigint UNIQUE,
    linked_at        timestamptz,
    unreachable_at   timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_org_idx ON members (org_id) WHERE active;
CREATE INDEX members_phone_idx ON members (phone) WHERE phone <> '';

-- Which organisation a member belonged to when (chuyển sinh hoạt keeps history).
CREATE TABLE member_organisations (
    id        bigserial PRIMARY KEY,
    member_id bigint NOT NULL REFERENCES members (id),
    org_id    bigint NOT NULL REFERENCES organisations (id),
    from_at   timestamptz NOT NULL DEFAULT now(),
    to_at     timestamptz
);
CREATE INDEX member_organisations_member_idx ON member_organisations (member_id, from_at);
CREATE UNIQUE INDEX member_organisations_current_idx ON member_organisations (member_id) WHERE to_at IS NULL;

CREATE TABLE roles (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    role       text NOT NULL CHECK (role IN ('secretary', 'officer', 'admin')),
    org_id     bigint NOT NULL REFERENCES organisations (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by text NOT NULL DEFAULT '',
    UNIQUE (member_id, role, org_id)
);

CREATE TABLE invites (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    used_by    bigint,
    revoked_at timestamptz,
    created_by text NOT NULL DEFAULT ''
);
CREATE INDEX invites_member_idx ON invites (member_id);

-- Link attempts by Telegram user, for rate-limiting guesses.
CREATE TABLE link_attempts (
    id               bigserial PRIMARY KEY,
    telegram_user_id bigint NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    ok               boolean NOT NULL
);
CREATE INDEX link_attempts_user_idx ON link_attempts (telegram_user_id, at);

-- An update id is recorded in the transaction that applies it.
CREATE TABLE processed_updates (
    update_id    bigint PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_at_idx ON processed_updates (processed_at);

CREATE TABLE bot_state (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE dialogs (
    telegram_user_id bigint PRIMARY KEY,
    name             text NOT NULL,
    step             text NOT NULL,
    draft            jsonb NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    action  text NOT NULL,
    subject text NOT NULL DEFAULT '',
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
