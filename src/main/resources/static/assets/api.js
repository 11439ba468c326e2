// The API client: the token lives in sessionStorage (gone when the tab closes) and goes out as a Bearer header;
// no cookies, so there is nothing for another site to ride on.
import { h } from './dom.js';

const TOKEN_KEY = 'trainyard.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Whether the server accepts {@code token}; throws ApiError when it does not. */
export async function verifyToken(token) {
  const response = await fetch('api/v1/jobs?limit=1', {
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    throw new ApiError(response.status, await problemOf(response));
  }
}

/** A 4xx or 5xx answer, with its RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  /** The problem's field errors: [{field, message}]. */
  get fieldErrors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

/** The headers of an API request: what it accepts, and the token when there is one. */
export function headers(accept) {
  const all = { Accept: accept };
  const token = session.token();
  if (token) {
    all.Authorization = `Bearer ${token}`;
  }
  return all;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText, status: response.status };
  }
}

/**
 * Calls the API at a path relative to the page (so it works behind a proxy's path prefix) and answers its JSON (or
 * a Blob for other types, null for 204); throws ApiError for a 4xx or 5xx.
 */
export async function call(path, { method = 'GET', json, body, contentType, accept = 'application/json', signal } = {}) {
  const sent = headers(accept);
  let payload = body;
  if (json !== undefined) {
    sent['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (contentType) {
    sent['Content-Type'] = contentType;
  }
  const response = await fetch(path, { method, headers: sent, body: payload, signal, credentials: 'omit', cache: 'no-store' });
  if (!response.ok) {
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent('trainyard:unauthorized'));
    }
    throw new ApiError(response.status, await problemOf(response));
  }
  if (response.status === 204 || response.headers.get('Content-Length') === '0') {
    return null;
  }
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.blob();
}

/** Downloads what a GET answers as a file named by the server's Content-Disposition, or by fallbackName. */
export async function download(path, fallbackName) {
  const response = await fetch(path, { headers: headers('*/*'), credentials: 'omit', cache: 'no-store' });
  if (!response.ok) {
    throw new ApiError(response.status, await problemOf(response));
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="?([^";]+)"?/.exec(disposition);
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: named ? named[1] : fallbackName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An alert box for an error: the status and title (or a job's error code), then the message. */
export function errorBox(error) {
  if (!(error instanceof ApiError)) {
    return h('div', { class: 'error', role: 'alert' }, h('strong', {}, 'Error'), ' ', String(error.message || error));
  }
  const p = error.problem;
  return h('div', { class: 'error', role: 'alert', 'data-status': error.status },
    h('strong', { class: 'error-code' }, `${error.status} ${p.title || ''}`.trim()),
    p.detail ? h('span', { class: 'error-message' }, ` ${p.detail}`) : null,
    error.fieldErrors.length
      ? h('ul', {}, error.fieldErrors.map((e) => h('li', {}, h('code', {}, e.field), ` ${e.message}`)))
      : null);
}
