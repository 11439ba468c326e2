/**
 * Webhooks: a job's {@code notify} URL is POSTed each of its events, signed the Standard Webhooks way. Deliveries are
 * rows written with the events (see {@code jobs.WebhookDeliveries}), sent by this package's own threads, so a slow or
 * dead receiver never slows training, and retried with backoff. URLs that resolve to loopback, link-local or private
 * addresses are refused unless the server's allow-list names them.
 */
package dev.trainyard.webhooks;
