-- A job's checkpoints. A row is written only after its file is complete on disk, in the same transaction as the
-- epoch result it follows, so a recorded epoch always has the checkpoint a resumed run continues after; pruning
-- deletes the row before the file. Files without a row are leftovers of a crash and are swept.
create table job_checkpoints (
    job_id               varchar(36)      not null references jobs (id) on delete cascade,
    step                 bigint           not null,
    epoch                integer          not null,
    batch                integer          not null,
    epoch_loss_sum       double precision not null,
    validation_accuracy  double precision,
    file                 varchar(100)     not null,
    size_bytes           bigint           not null,
    sha256               varchar(64)      not null,
    created_at           timestamp with time zone not null,
    primary key (job_id, step)
);
