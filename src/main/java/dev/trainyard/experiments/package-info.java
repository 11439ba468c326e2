/**
 * Experiments: one base job spec run as many trials over a search space (grid or random), each trial an ordinary job
 * on the same queue, with early stopping at epoch boundaries (median rule, ASHA) and the trials' schedules and curves
 * compared side by side. Every trial's spec is sampled and checked when the experiment is accepted, and stored with
 * it; trials become jobs as {@code parallelism} allows.
 */
package dev.trainyard.experiments;
