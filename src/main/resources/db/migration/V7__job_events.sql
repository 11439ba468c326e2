-- What happened to each job (state changes, epoch results, checkpoints), for event streams and long polls on any
-- replica. A row is written in the transaction of the change it reports (an outbox), as its last statement. Its seq
-- comes from event_clock, whose one row that transaction then holds locked until it commits: events commit in seq
-- order and a rolled-back change leaves no gap, so a reader that has seen seq N has seen every event before it, and a
-- stream resumed after N misses none and repeats none.
create table event_clock (
    id        integer not null primary key,
    last_seq  bigint  not null
);
insert into event_clock (id, last_seq) values (1, 0);

create table job_events (
    seq         bigint         not null primary key,
    job_id      varchar(36)    not null references jobs (id) on delete cascade,
    owner       varchar(100)   not null,
    type        varchar(32)    not null,
    data        varchar(8000)  not null,
    created_at  timestamp with time zone not null
);

-- one job's stream, and one owner's
create index job_events_job_idx on job_events (job_id, seq);
create index job_events_owner_idx on job_events (owner, seq);
