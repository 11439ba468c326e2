/**
 * API security: bearer tokens from configuration (or a generated admin token on first start), the filter that
 * authenticates them, and which paths are open. Each token names a principal that owns the jobs it submits.
 */
package dev.trainyard.security;
