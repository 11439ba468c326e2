-- The job's name lives in its spec; this copy was written on submission and never read.
alter table jobs drop column name;
