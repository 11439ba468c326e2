/**
 * Logging that never writes a secret or a forged line: every message and stack trace passes through
 * {@link dev.trainyard.system.logging.LogRedaction} on its way to any appender, at any level.
 */
package dev.trainyard.system.logging;
