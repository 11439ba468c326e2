-- Idempotency-Key of POST /api/v1/jobs: one row per owner and key, so a repeated or concurrent submission finds the
-- job the first one created instead of creating another. Rows older than the retention are ignored and replaced.
create table idempotency_keys (
    owner         varchar(100)     not null,
    idem_key      varchar(200)     not null,
    request_hash  varchar(64)      not null,
    job_id        varchar(36)      not null references jobs (id) on delete cascade,
    created_at    timestamp with time zone not null,
    primary key (owner, idem_key)
);
