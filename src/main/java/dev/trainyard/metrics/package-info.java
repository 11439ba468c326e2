/**
 * Prometheus metrics: job counters and gauges registered at start-up (so every series exists from the first scrape)
 * and per-job training gauges that live exactly as long as the job runs.
 */
package dev.trainyard.metrics;
