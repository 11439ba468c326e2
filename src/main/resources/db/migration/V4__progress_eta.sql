-- The running job's estimate of the seconds to its end, as of its latest progress write.
alter table jobs add column eta_seconds double precision;
