package dev.trainyard.security;

/**
 * Who made an API call: the principal of the bearer token.
 *
 * @param name  the principal; jobs belong to it
 * @param admin admins see and manage every job and may use the actuator endpoints
 */
public record Caller(String name, boolean admin) {}
