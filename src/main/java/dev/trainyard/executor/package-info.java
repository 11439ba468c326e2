/**
 * The executor: one slot (a dedicated thread) per training device. Each slot claims the next queued job from the
 * job table (priority, then submission order), trains it and records every step through the jobs lifecycle.
 */
package dev.trainyard.executor;
