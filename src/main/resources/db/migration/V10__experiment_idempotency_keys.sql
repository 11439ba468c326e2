-- Idempotency-Key of POST /api/v1/experiments, kept apart from the jobs' keys (V2): a key names one creation of one
-- kind. One row per owner and key, written in the experiment's own transaction, so a repeated or concurrent request
-- finds the experiment the first one created instead of creating another with all its trials.
create table experiment_idempotency_keys (
    owner          varchar(100)    not null,
    idem_key       varchar(200)    not null,
    request_hash   varchar(64)     not null,
    experiment_id  varchar(36)     not null references experiments (id) on delete cascade,
    created_at     timestamp with time zone not null,
    primary key (owner, idem_key)
);
