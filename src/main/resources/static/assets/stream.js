// Server-Sent Events read with fetch (EventSource cannot send an Authorization header). A dropped stream is opened
// again with Last-Event-ID, so the server resumes after the last event received; the `end` event closes it for good.
import { ApiError, headers as apiHeaders } from './api.js';

const RETRY_MS = 1000;
const BUSY_RETRY_MS = 5000;

function wait(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Parses one event block; null for a comment-only block (a heartbeat). */
function parse(block) {
  let id = null;
  let name = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') {
      id = value;
    } else if (field === 'event') {
      name = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  return data.length === 0 ? null : { id, name, data: JSON.parse(data.join('\n')) };
}

/**
 * Follows an event stream; onEvent({id, name, data}) gets each event once. Answers {close()}.
 * onStatus('live' | 'reconnecting' | 'ended') and onError(ApiError) report the connection.
 */
export function follow(path, onEvent, { onStatus = () => {}, onError = () => {} } = {}) {
  const stop = new AbortController();
  let lastEventId = null;

  async function readOnce() {
    const headers = apiHeaders('text/event-stream');
    if (lastEventId) {
      headers['Last-Event-ID'] = lastEventId;
    }
    const response = await fetch(path, { headers, signal: stop.signal, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({ title: response.statusText }));
      throw new ApiError(response.status, problem);
    }
    onStatus('live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return false;
      }
      buffer += value;
      let boundary;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(buffer.slice(boundary).match(/^\r?\n\r?\n/)[0].length + boundary);
        const event = parse(block);
        if (event) {
          if (event.id) {
            lastEventId = event.id;
          }
          onEvent(event);
          if (event.name === 'end') {
            return true;
          }
        }
      }
    }
  }

  (async () => {
    while (!stop.signal.aborted) {
      let retry = RETRY_MS;
      try {
        if (await readOnce()) {
          onStatus('ended');
          return;
        }
      } catch (error) {
        if (stop.signal.aborted) {
          return;
        }
        if (error instanceof ApiError) {
          onError(error);
          if (error.status === 401 || error.status === 403 || error.status === 404) {
            onStatus('ended');
            return;
          }
          retry = error.status === 429 ? BUSY_RETRY_MS : RETRY_MS;
        }
      }
      onStatus('reconnecting');
      await wait(retry, stop.signal);
    }
  })();

  return { close: () => stop.abort() };
}
