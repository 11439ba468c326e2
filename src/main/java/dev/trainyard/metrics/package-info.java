/**
 * Prometheus metrics: storage gauges and the step timer registered at start-up (so every series exists from the first
 * scrape), and per-job training gauges that live exactly as long as the job runs. The job counters belong to the
 * jobs package, which owns the job table they count.
 */
package dev.trainyard.metrics;
