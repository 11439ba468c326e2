/**
 * Training jobs: the spec a client submits (its records in {@code jobs.spec}), the lifecycle (one table of allowed state changes), the job tables and
 * the HTTP API under {@code /api/v1/jobs} and the schedule preview. This package is the only one that reads or writes the job tables.
 */
package dev.trainyard.jobs;
