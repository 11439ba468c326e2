import { h } from '../dom.js';

export const STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'STOPPED'];

/** A job's state as a badge: the word carries the meaning, the colour only repeats it. */
export function stateBadge(state, cancelRequested) {
  return h('span', { class: `badge state-${String(state).toLowerCase()}`, 'data-state': state },
    state, cancelRequested && state === 'RUNNING' ? ' (cancelling)' : null);
}

/** A progress bar with its percentage and epoch, for a job view's progress. */
export function progressCell(progress, spec) {
  if (!progress) {
    return '–';
  }
  const percent = `${(progress.fraction * 100).toFixed(0)}%`;
  return h('span', { class: 'progress' },
    h('progress', { max: 1, value: progress.fraction, 'aria-label': `progress ${percent}` }),
    ` ${percent}`,
    progress.epoch && spec ? h('span', { class: 'hint' }, ` epoch ${progress.epoch}/${spec.epochs}`) : null);
}

/** The job's name, as text, linking to its page. */
export function jobLink(job) {
  return h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, class: 'job-name' }, job.name);
}

/** Live-connection status for a stream: live, reconnecting, ended. */
export function liveIndicator() {
  const element = h('span', { class: 'live', 'aria-live': 'polite', 'data-status': 'connecting' }, 'connecting…');
  return {
    element,
    set(status) {
      element.dataset.status = status;
      element.textContent = { live: '● live', reconnecting: 'reconnecting…', ended: 'finished' }[status] || status;
    },
  };
}
