-- The attempt count at a job's last retry (POST /jobs/{id}/retry): trainyard.executor.max-attempts counts the
-- attempts after it, while attempt itself keeps rising, since it is the fencing token of every write.
alter table jobs add column retry_base integer default 0 not null;
