import { call, download, errorBox } from '../api.js';
import { COLOURS, LineChart, aligned, epochAxis, stepAxis } from '../charts.js';
import { formatNumber, formatTime, h, replace, table } from '../dom.js';
import { stateBadge } from './common.js';

/** How often a running experiment's page reloads it: trials change at epoch boundaries, seconds apart at best. */
const REFRESH_MS = 5000;
/** Steps per trial the rate chart asks for: a screen's width, however long the trials ran. */
const CHART_POINTS = 2000;
/** Colours of the trials that are not the best; the best is drawn thick in vermillion. */
const TRIAL_COLOURS = [COLOURS.blue, COLOURS.green, COLOURS.orange, COLOURS.purple, '#56B4E9', '#999999'];

function experimentLink(experiment) {
  return h('a', { href: `#/experiments/${encodeURIComponent(experiment.id)}`, class: 'experiment-name' }, experiment.name);
}

function counts(states) {
  return Object.entries(states || {}).map(([state, count]) => `${count} ${state.toLowerCase()}`).join(', ');
}

const LIST_COLUMNS = [
  { key: 'name', title: 'Name', cell: (e) => experimentLink(e) },
  { key: 'state', title: 'State', cell: (e) => stateBadge(e.state) },
  { key: 'trials', title: 'Trials', cell: (e) => counts(e.trialStates) },
  { key: 'best', title: 'Best', numeric: true, cell: (e) => (e.best ? `${formatNumber(e.best.objective)} (trial ${e.best.trial})` : '–') },
  { key: 'submitted', title: 'Submitted', cell: (e) => formatTime(e.submittedAt) },
];

/** The caller's experiments, newest first. */
export function experimentsPage(main) {
  const body = h('div', { id: 'experiments' });
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'Experiments')),
    h('p', { class: 'hint' }, 'Create one with POST /api/v1/experiments (see the README).'), body);
  call('api/v1/experiments?limit=100').then((page) => {
    replace(body, page.items.length
      ? table(null, LIST_COLUMNS, page.items, (e) => ({ 'data-experiment': e.id }))
      : h('p', { class: 'empty' }, 'No experiments yet.'));
  }).catch((error) => replace(body, errorBox(error)));
}

function parameterText(parameters) {
  return Object.entries(parameters || {}).map(([path, value]) => `${path} = ${JSON.stringify(value)}`).join('; ');
}

const TRIAL_COLUMNS = [
  { key: 'trial', title: 'Trial', numeric: true, cell: (t) => t.trial },
  { key: 'state', title: 'State', cell: (t) => stateBadge(t.state) },
  { key: 'parameters', title: 'Parameters', cell: (t) => h('code', {}, parameterText(t.parameters)) },
  { key: 'epochs', title: 'Epochs', numeric: true, cell: (t) => t.epochs ?? '–' },
  { key: 'objective', title: 'Objective', numeric: true, cell: (t) => formatNumber(t.objective) },
  { key: 'rank', title: 'Rank', numeric: true, cell: (t) => t.rank ?? '–' },
  { key: 'job', title: 'Job', cell: (t) => (t.job ? h('a', { href: `#/jobs/${encodeURIComponent(t.job)}` }, 'job') : '–') },
  { key: 'stopped', title: 'Stopped because', cell: (t) => t.stoppedBecause || '' },
];

/**
 * One experiment: its trials with parameters, state, objective and rank, and every trial's learning rate per step and
 * objective metric per epoch on shared axes (the best trial thick, in vermillion), reloaded while it runs.
 */
export function experimentPage(main, id) {
  const path = `api/v1/experiments/${encodeURIComponent(id)}`;
  const heading = h('h1', {}, 'Experiment');
  const summary = h('dl', { class: 'facts' });
  const status = h('div', { 'aria-live': 'polite' });
  const trials = h('div', { id: 'trials' });
  const charts = h('div', { class: 'charts' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-experiment', class: 'danger', hidden: true }, 'Cancel experiment');
  const csvButton = h('button', { type: 'button', id: 'trials-csv' }, 'Trial table (CSV)');
  const modelButton = h('button', { type: 'button', id: 'best-model', hidden: true }, 'Download best model');
  replace(main, heading, summary, h('div', { class: 'toolbar' }, cancelButton, csvButton, modelButton), status, trials, charts);

  let timer = null;
  let rateChart = null;
  let metricChart = null;
  let stopped = false;
  const showError = (error) => replace(status, errorBox(error));

  csvButton.onclick = () => download(`${path}/trials`, `experiment-${id}-trials.csv`).catch(showError);
  modelButton.onclick = () => download(`${path}/model`, `experiment-${id}-best.zip`).catch(showError);
  cancelButton.onclick = async () => {
    cancelButton.disabled = true;
    try {
      show(await call(`${path}/cancel`, { method: 'POST' }));
    } catch (error) {
      showError(error);
    } finally {
      cancelButton.disabled = false;
    }
  };

  function draw(comparison, metric) {
    const best = comparison.best;
    const series = comparison.trials.map((t) => ({
      label: `trial ${t.trial}${t.trial === best ? ' (best)' : ''}`,
      colour: t.trial === best ? COLOURS.vermillion : TRIAL_COLOURS[t.trial % TRIAL_COLOURS.length],
      width: t.trial === best ? 3 : 1.5,
    }));
    if (!rateChart) {
      rateChart = new LineChart(charts, {
        id: 'experiment-rates',
        title: 'Learning rate applied at each step, every trial',
        description: 'Line chart of each trial\'s learning rate by step, on one axis.',
        // trials may differ in steps per epoch (batch size is a search path): whole-step ticks
        x: stepAxis(() => null),
        axes: [{ label: 'learning rate', scale: 'lr' }],
        series: series.map((s) => ({ ...s, scale: 'lr' })),
        sync: 'experiment',
      });
      metricChart = new LineChart(charts, {
        id: 'experiment-metric',
        title: `${metric} per epoch, every trial`,
        description: `Line chart of each trial's ${metric} by epoch, on one axis; the trial table has the same values.`,
        x: epochAxis(),
        axes: [{ label: metric, scale: 'metric' }],
        series: series.map((s) => ({ ...s, scale: 'metric', points: true })),
      });
    }
    rateChart.setData(aligned(comparison.trials.map((t) => new Map(t.learningRates.steps.map((s, i) => [s, t.learningRates.values[i]])))));
    metricChart.setData(aligned(comparison.trials.map((t) => new Map(t.epochs
      .filter((e) => e[metric] !== null && e[metric] !== undefined)
      .map((e) => [e.epoch, e[metric]])))));
  }

  function show(experiment) {
    heading.textContent = experiment.name;
    replace(summary,
      h('dt', {}, 'State'), h('dd', { id: 'experiment-state' }, stateBadge(experiment.state)),
      h('dt', {}, 'Trials'), h('dd', {}, counts(experiment.trialStates)),
      h('dt', {}, 'Objective'), h('dd', {}, `${experiment.spec.objective.aggregate} ${experiment.spec.objective.metric}, ${experiment.spec.objective.goal}`),
      h('dt', {}, 'Best'), h('dd', { id: 'experiment-best' }, experiment.best
        ? `trial ${experiment.best.trial}: ${formatNumber(experiment.best.objective)}` : '–'));
    replace(trials, table('Trials', TRIAL_COLUMNS, experiment.trials, (t) => ({ 'data-trial': t.trial, 'data-state': t.state })));
    cancelButton.hidden = experiment.state !== 'RUNNING';
    modelButton.hidden = !experiment.best;
  }

  async function load() {
    try {
      const experiment = await call(path);
      if (stopped) {
        return;
      }
      show(experiment);
      draw(await call(`${path}/comparison?points=${CHART_POINTS}`), experiment.spec.objective.metric);
      replace(status);
      if (experiment.state === 'RUNNING') {
        timer = setTimeout(load, REFRESH_MS);
      }
    } catch (error) {
      showError(error);
    }
  }
  load();

  return () => {
    stopped = true;
    clearTimeout(timer);
    rateChart?.destroy();
    metricChart?.destroy();
  };
}
