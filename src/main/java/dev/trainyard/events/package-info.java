/**
 * Watching jobs live: the event streams ({@code GET /api/v1/jobs/{id}/events}, {@code GET /api/v1/events}) and long
 * polls ({@code GET /api/v1/jobs/{id}?waitFor=...}). One poller per server reads the job event table, the steps and
 * the jobs that someone watches, so every replica serves every job's events, whichever replica trains it.
 */
package dev.trainyard.events;
