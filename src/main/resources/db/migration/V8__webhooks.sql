-- Webhooks: a job may name a URL to be told of its events. A delivery row is written with the event it reports, in
-- the transaction of the change (see V7), so an event a client was told of (by a 2xx) is never left undelivered by a
-- crash; senders on any replica claim due rows by a lease and retry them with backoff.
alter table jobs add column notify_url varchar(2000);
-- the notified event types between commas, e.g. ',state,epoch,'
alter table jobs add column notify_events varchar(100);

create table webhook_deliveries (
    id               varchar(36)    not null primary key,
    job_id           varchar(36)    not null references jobs (id) on delete cascade,
    event_seq        bigint         not null references job_events (seq) on delete cascade,
    url              varchar(2000)  not null,
    status           varchar(16)    not null,
    attempts         integer        not null default 0,
    next_attempt_at  timestamp with time zone,
    leased_until     timestamp with time zone,
    last_status      integer,
    last_error       varchar(500),
    created_at       timestamp with time zone not null,
    finished_at      timestamp with time zone
);

-- the senders' query: pending deliveries by when they are due
create index webhook_deliveries_due_idx on webhook_deliveries (status, next_attempt_at);
-- a job's deliveries, as GET /jobs/{id} shows them
create index webhook_deliveries_job_idx on webhook_deliveries (job_id, event_seq);
