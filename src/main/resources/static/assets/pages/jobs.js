import { call, errorBox } from '../api.js';
import { formatDuration, formatNumber, formatPercent, formatTime, h, replace, table } from '../dom.js';
import { follow } from '../stream.js';
import { jobLink, liveIndicator, progressCell, STATES, stateBadge } from './common.js';

const PAGE_SIZE = 20;

const COLUMNS = [
  { key: 'name', title: 'Name', cell: (job) => jobLink(job) },
  { key: 'state', title: 'State', cell: (job) => stateBadge(job.state, job.cancelRequested) },
  { key: 'progress', title: 'Progress', cell: (job) => progressCell(job.progress, job.spec) },
  { key: 'eta', title: 'ETA', numeric: true, cell: (job) => formatDuration(job.progress?.etaSeconds) },
  { key: 'loss', title: 'Loss', numeric: true, cell: (job) => formatNumber(job.latest?.loss) },
  { key: 'accuracy', title: 'Accuracy', numeric: true, cell: (job) => formatPercent(job.latest?.accuracy) },
  { key: 'queue', title: 'Queue', numeric: true, cell: (job) => job.queuePosition ?? '–' },
  { key: 'model', title: 'Model', cell: (job) => job.spec.model },
  { key: 'submitted', title: 'Submitted', cell: (job) => formatTime(job.submittedAt) },
];

/** The jobs, newest first, filtered by state, a page at a time, kept current by the all-jobs event stream. */
export function jobsPage(main) {
  let cursors = [null];
  let jobs = [];
  let reloadTimer = null;
  const filter = h('select', { id: 'state-filter', name: 'state' },
    h('option', { value: '' }, 'all states'), STATES.map((s) => h('option', { value: s }, s.toLowerCase())));
  const older = h('button', { type: 'button', id: 'older', disabled: true }, 'Older');
  const newer = h('button', { type: 'button', id: 'newer', disabled: true }, 'Newer');
  const live = liveIndicator();
  const body = h('div', { id: 'jobs' });
  const status = h('div', { 'aria-live': 'polite' });

  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Jobs'), live.element),
    h('div', { class: 'toolbar' },
      h('label', { for: 'state-filter' }, 'Show '), filter,
      h('span', { class: 'spacer' }),
      newer, older,
      h('a', { class: 'button', href: '#/submit' }, 'Submit a job')),
    status,
    body);

  function draw() {
    if (jobs.length === 0) {
      replace(body, h('p', { class: 'empty' }, filter.value ? `No ${filter.value.toLowerCase()} jobs.` : 'No jobs yet. ',
        filter.value ? null : h('a', { href: '#/submit' }, 'Submit one.')));
      return;
    }
    replace(body, table(null, COLUMNS, jobs, (job) => ({ 'data-job-id': job.id })));
  }

  /** Redraws one row's cells in place, so keyboard focus on the page stays where it is. */
  function patchRow(job) {
    const row = body.querySelector(`tr[data-job-id="${CSS.escape(job.id)}"]`);
    if (!row) {
      return;
    }
    for (const column of COLUMNS) {
      if (column.key !== 'name') {
        replace(row.querySelector(`td[data-column="${column.key}"]`), column.cell(job));
      }
    }
  }

  async function load() {
    const cursor = cursors[cursors.length - 1];
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filter.value) {
      query.set('state', filter.value);
    }
    if (cursor) {
      query.set('cursor', cursor);
    }
    try {
      const page = await call(`api/v1/jobs?${query}`);
      jobs = page.items;
      older.disabled = !page.nextCursor;
      older.dataset.cursor = page.nextCursor || '';
      newer.disabled = cursors.length === 1;
      replace(status);
      draw();
    } catch (error) {
      replace(status, errorBox(error));
    }
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, 250);
  }

  filter.addEventListener('change', () => {
    cursors = [null];
    load();
  });
  older.addEventListener('click', () => {
    cursors.push(older.dataset.cursor);
    load();
  });
  newer.addEventListener('click', () => {
    cursors.pop();
    load();
  });

  const stream = follow('api/v1/events', (event) => {
    if (event.name === 'progress') {
      const job = jobs.find((j) => j.id === event.data.jobId);
      if (job) {
        Object.assign(job, {
          state: event.data.state,
          progress: event.data.progress ?? job.progress,
          latest: { ...job.latest, ...event.data.latest },
          queuePosition: event.data.queuePosition,
          cancelRequested: event.data.cancelRequested,
        });
        patchRow(job);
      }
    } else if (event.name === 'state' || event.name === 'epoch') {
      // a new job, a finished one, a new accuracy: the server's page is the truth (order, filter, queue positions)
      reloadSoon();
    }
  }, { onStatus: live.set, onError: (error) => replace(status, errorBox(error)) });

  load();
  return () => {
    clearTimeout(reloadTimer);
    stream.close();
  };
}
