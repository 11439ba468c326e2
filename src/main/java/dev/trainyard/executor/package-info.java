/**
 * The executor: one slot (a dedicated thread) per training device. Each slot claims the next queued job from the
 * job table that all replicas share (priority, then submission order), trains it under the claim's lease and records
 * every step through the jobs lifecycle; a lease thread renews leases, relays cancels and takes back the jobs of
 * replicas that stopped renewing.
 */
package dev.trainyard.executor;
