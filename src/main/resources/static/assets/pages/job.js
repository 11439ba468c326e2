import { call, download, errorBox } from '../api.js';
import { COLOURS, LineChart, aligned, epochAxis, stepAxis } from '../charts.js';
import {
  formatBytes, formatDuration, formatNumber, formatPercent, formatTime, h, replace, table,
} from '../dom.js';
import { follow } from '../stream.js';
import { liveIndicator, progressCell, stateBadge } from './common.js';

const MAX_PREVIEW_POINTS = 100000;

/** How the applied learning rates compare with the preview, step by step, as a sentence. */
export function compareRates(applied, preview) {
  let compared = 0;
  const differing = [];
  for (const [step, rate] of applied) {
    if (preview.has(step)) {
      compared += 1;
      if (preview.get(step) !== rate) {
        differing.push(step);
      }
    }
  }
  if (compared === 0) {
    return { equal: null, text: 'No step trained yet to compare with the preview.' };
  }
  if (differing.length === 0) {
    return { equal: true, text: `The applied learning rate equals the preview at all ${compared} steps compared.` };
  }
  return {
    equal: false,
    text: `The applied learning rate differs from the preview at ${differing.length} of ${compared} steps `
      + `(first at step ${differing[0]}).`,
  };
}

function confusionMatrix(evaluation) {
  const max = Math.max(...evaluation.counts.map((row) => row.reduce((a, b) => a + b, 0)), 1);
  const cell = (count, rowTotal) => {
    const share = rowTotal === 0 ? 0 : count / rowTotal;
    const td = h('td', { class: 'num', title: `${count} (${formatPercent(share)} of the row)` }, count);
    // one hue, growing darker: readable with any colour vision; the count is always written out
    td.style.backgroundColor = `rgba(0, 114, 178, ${share.toFixed(3)})`;
    td.style.color = share > 0.5 ? '#fff' : 'inherit';
    return td;
  };
  return h('div', { class: 'table-scroll' },
    h('table', { class: 'confusion', 'data-max': max },
      h('caption', {}, `Confusion matrix on the ${evaluation.split} images: accuracy `
        + `${formatPercent(evaluation.accuracy)}. Rows: true class; columns: predicted class.`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'true \\ predicted'),
        evaluation.classes.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, 'accuracy'))),
      h('tbody', {}, evaluation.counts.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0);
        return h('tr', {}, h('th', { scope: 'row' }, evaluation.classes[i]), row.map((count) => cell(count, total)),
          h('td', { class: 'num' }, formatPercent(evaluation.perClassAccuracy[i])));
      }))));
}

const EPOCH_COLUMNS = [
  { key: 'epoch', title: 'Epoch', numeric: true, cell: (e) => e.epoch },
  { key: 'trainLoss', title: 'Train loss', numeric: true, cell: (e) => formatNumber(e.trainLoss) },
  { key: 'validationLoss', title: 'Validation loss', numeric: true, cell: (e) => formatNumber(e.validationLoss) },
  { key: 'validationAccuracy', title: 'Validation acc.', numeric: true, cell: (e) => formatPercent(e.validationAccuracy) },
  { key: 'testLoss', title: 'Test loss', numeric: true, cell: (e) => formatNumber(e.testLoss) },
  { key: 'testAccuracy', title: 'Test acc.', numeric: true, cell: (e) => formatPercent(e.testAccuracy) },
  { key: 'seconds', title: 'Seconds', numeric: true, cell: (e) => formatNumber(e.seconds, 3) },
];

const CHECKPOINT_COLUMNS = [
  { key: 'epoch', title: 'Epoch', numeric: true, cell: (c) => c.epoch },
  { key: 'step', title: 'Step', numeric: true, cell: (c) => c.step },
  { key: 'validationAccuracy', title: 'Validation acc.', numeric: true, cell: (c) => formatPercent(c.validationAccuracy) },
  { key: 'best', title: 'Best', cell: (c) => (c.best ? 'best' : '') },
  { key: 'size', title: 'Size', numeric: true, cell: (c) => formatBytes(c.sizeBytes) },
  { key: 'sha256', title: 'SHA-256', cell: (c) => h('code', { title: c.sha256 }, c.sha256.slice(0, 12)) },
  { key: 'created', title: 'Written', cell: (c) => formatTime(c.createdAt) },
];

/** One job, live: its charts, epochs, confusion matrix, checkpoints, run record, and what can be done with it. */
export function jobPage(main, id) {
  const path = `api/v1/jobs/${encodeURIComponent(id)}`;
  let job = null;
  let stepsPerEpoch = null;
  let previewFor = null;
  let hasBestCheckpoint = false;
  const preview = new Map();
  const appliedRates = new Map();
  const losses = new Map();
  const epochs = new Map();
  const charts = [];

  const title = h('h1', { id: 'job-title' }, 'Job');
  const live = liveIndicator();
  const summary = h('div', { id: 'job-summary' });
  const actions = h('div', { class: 'toolbar', id: 'job-actions' });
  const alerts = h('div', { id: 'job-alerts', 'aria-live': 'assertive' });
  const rateMatch = h('p', { id: 'rate-match', 'aria-live': 'polite' });
  const chartArea = h('div', { class: 'charts' });
  const epochTable = h('div', { id: 'epochs' });
  const evaluationArea = h('div', { id: 'evaluation' });
  const checkpointArea = h('div', { id: 'checkpoints' });
  const classifyArea = h('div', { id: 'classify' });
  const runArea = h('pre', { id: 'run-record', class: 'json' });
  const specArea = h('pre', { id: 'job-spec', class: 'json' });
  const deliveriesArea = h('div', { id: 'deliveries' });

  replace(main,
    h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')),
    h('div', { class: 'page-head' }, title, live.element),
    summary, actions, alerts,
    h('section', { 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Training'), rateMatch, chartArea),
    h('section', { 'aria-labelledby': 'epochs-title' }, h('h2', { id: 'epochs-title' }, 'Epochs'), epochTable),
    h('section', { 'aria-labelledby': 'evaluation-title' }, h('h2', { id: 'evaluation-title' }, 'Evaluation'), evaluationArea),
    h('section', { 'aria-labelledby': 'classify-title' }, h('h2', { id: 'classify-title' }, 'Classify an image'), classifyArea),
    h('section', { 'aria-labelledby': 'checkpoints-title' }, h('h2', { id: 'checkpoints-title' }, 'Checkpoints'), checkpointArea),
    h('details', {}, h('summary', {}, 'Run record'), runArea),
    h('details', {}, h('summary', {}, 'Spec'), specArea),
    deliveriesArea);

  const rateChart = new LineChart(chartArea, {
    id: 'rate-chart',
    title: 'Learning rate: applied at each step, over the preview it must follow',
    description: 'Line chart of the learning rate by step: the wide grey band is the preview, the thin blue line what DL4J applied.',
    x: stepAxis(() => stepsPerEpoch),
    axes: [{ label: 'learning rate', scale: 'lr' }],
    series: [
      // a wide pale band under the applied line: where they agree, the band shows on both sides of it
      { label: 'preview', colour: COLOURS.grey, width: 6, scale: 'lr' },
      { label: 'applied', colour: COLOURS.blue, width: 1.5, scale: 'lr' },
    ],
    sync: 'steps',
  });
  const lossChart = new LineChart(chartArea, {
    id: 'loss-chart',
    title: 'Training loss at each step',
    description: 'Line chart of the training loss by step.',
    x: stepAxis(() => stepsPerEpoch),
    axes: [{ label: 'loss', scale: 'loss' }],
    series: [{ label: 'training loss', colour: COLOURS.vermillion, scale: 'loss', width: 1.5 }],
    sync: 'steps',
  });
  const epochChart = new LineChart(chartArea, {
    id: 'epoch-chart',
    title: 'Accuracy and loss per epoch',
    description: 'Accuracy (left axis, solid) and loss (right axis, dashed) after each epoch; the epoch table has the same numbers.',
    x: epochAxis(),
    axes: [{ label: 'accuracy', scale: 'acc', range: [0, 1] }, { label: 'loss', scale: 'loss', side: 1 }],
    series: [
      { label: 'validation accuracy', colour: COLOURS.blue, scale: 'acc', points: true },
      { label: 'test accuracy', colour: COLOURS.green, scale: 'acc', points: true },
      { label: 'train loss', colour: COLOURS.orange, scale: 'loss', dash: [6, 3] },
      { label: 'validation loss', colour: COLOURS.vermillion, scale: 'loss', dash: [2, 3] },
      { label: 'test loss', colour: COLOURS.purple, scale: 'loss', dash: [10, 3, 2, 3] },
    ],
  });
  charts.push(rateChart, lossChart, epochChart);

  function showError(error) {
    alerts.append(errorBox(error));
  }

  function drawRates() {
    rateChart.setData(aligned([preview, appliedRates]));
    lossChart.setData(aligned([losses]));
    const comparison = compareRates(appliedRates, preview);
    rateMatch.textContent = comparison.text;
    rateMatch.dataset.equal = String(comparison.equal);
    rateMatch.dataset.applied = String(appliedRates.size);
  }

  function drawEpochs() {
    const rows = [...epochs.values()].sort((a, b) => a.epoch - b.epoch);
    const series = (key) => new Map(rows.filter((e) => e[key] !== null && e[key] !== undefined).map((e) => [e.epoch, e[key]]));
    epochChart.setData(aligned([series('validationAccuracy'), series('testAccuracy'), series('trainLoss'),
      series('validationLoss'), series('testLoss')]));
    replace(epochTable, rows.length ? table(null, EPOCH_COLUMNS, rows) : h('p', { class: 'empty' }, 'No epoch finished yet.'));
  }

  async function loadPreview() {
    const spec = job.spec;
    const known = job.progress?.stepsPerEpoch;
    const key = known ? `steps:${known}` : 'dataset';
    if (previewFor === key) {
      return;
    }
    previewFor = key;
    const request = { schedule: spec.schedule, epochs: spec.epochs, maxPoints: MAX_PREVIEW_POINTS };
    if (known) {
      request.stepsPerEpoch = known;
    } else {
      request.batchSize = spec.batchSize;
      request.dataset = spec.dataset;
    }
    try {
      const answer = await call('api/v1/schedules/preview', { method: 'POST', json: request });
      stepsPerEpoch = answer.stepsPerEpoch;
      preview.clear();
      for (const point of answer.points) {
        preview.set(point.step, point.lr);
      }
      drawRates();
    } catch (error) {
      showError(error);
    }
  }

  function drawSummary() {
    title.textContent = job.name;
    replace(summary,
      h('dl', { class: 'facts' },
        h('dt', {}, 'State'), h('dd', { id: 'job-state' }, stateBadge(job.state, job.cancelRequested)),
        h('dt', {}, 'Progress'), h('dd', {}, progressCell(job.progress, job.spec)),
        h('dt', {}, 'ETA'), h('dd', {}, formatDuration(job.progress?.etaSeconds)),
        h('dt', {}, 'Latest loss'), h('dd', {}, formatNumber(job.latest?.loss)),
        h('dt', {}, 'Latest learning rate'), h('dd', {}, formatNumber(job.latest?.learningRate, 6)),
        h('dt', {}, 'Images/s'), h('dd', {}, formatNumber(job.latest?.imagesPerSecond, 4)),
        job.queuePosition ? [h('dt', {}, 'Queue position'), h('dd', {}, job.queuePosition)] : null,
        job.waitingFor ? [h('dt', {}, 'Waiting for'), h('dd', {}, job.waitingFor)] : null,
        h('dt', {}, 'Model'), h('dd', {}, job.spec.model),
        h('dt', {}, 'Owner'), h('dd', {}, job.owner),
        h('dt', {}, 'Submitted'), h('dd', {}, formatTime(job.submittedAt)),
        job.startedAt ? [h('dt', {}, 'Started'), h('dd', {}, formatTime(job.startedAt))] : null,
        job.finishedAt ? [h('dt', {}, 'Finished'), h('dd', {}, formatTime(job.finishedAt))] : null,
        job.attempt ? [h('dt', {}, 'Attempt'), h('dd', {}, job.attempt)] : null),
      job.error ? h('div', { class: 'error', role: 'alert', id: 'job-error' },
        h('strong', { class: 'error-code' }, job.error.code), ' ', job.error.message) : null);
    specArea.textContent = JSON.stringify(job.spec, null, 2);
    runArea.textContent = job.run ? JSON.stringify(job.run, null, 2) : 'Recorded when the job starts.';
    drawActions();
  }

  const cancelButton = h('button', {
    type: 'button', id: 'cancel', class: 'danger', hidden: true,
    onclick: async () => {
      cancelButton.disabled = true;
      try {
        job = await call(`${path}/cancel`, { method: 'POST' }) || job;
        drawSummary();
      } catch (error) {
        showError(error);
      } finally {
        cancelButton.disabled = false;
      }
    },
  }, 'Cancel job');
  const modelButton = h('button', {
    type: 'button', id: 'download-model', hidden: true,
    onclick: () => download(`${path}/model`, `${job.id}.zip`).catch(showError),
  }, 'Download model');
  const bestButton = h('button', {
    type: 'button', id: 'download-best', hidden: true,
    onclick: () => download(`${path}/model?which=best`, `${job.id}-best.zip`).catch(showError),
  }, 'Download best checkpoint');
  actions.append(cancelButton, modelButton, bestButton);

  /** Shows the buttons that apply; they are never replaced, so a click or keyboard focus is never lost. */
  function drawActions() {
    cancelButton.hidden = !((job.state === 'QUEUED' || job.state === 'RUNNING') && !job.cancelRequested);
    modelButton.hidden = job.state !== 'SUCCEEDED';
    bestButton.hidden = !hasBestCheckpoint;
  }

  async function loadCheckpoints() {
    try {
      const checkpoints = await call(`${path}/checkpoints`);
      hasBestCheckpoint = checkpoints.some((c) => c.best);
      drawActions();
      replace(checkpointArea, checkpoints.length
        ? table(null, CHECKPOINT_COLUMNS, checkpoints)
        : h('p', { class: 'empty' }, 'No checkpoint yet.'));
    } catch (error) {
      replace(checkpointArea, errorBox(error));
    }
  }

  let evaluationShown = false;

  /** The confusion matrix and the classify form, once the job has succeeded: drawn once, so a chosen file stays. */
  async function loadEvaluation() {
    if (job.state !== 'SUCCEEDED') {
      replace(evaluationArea, h('p', { class: 'empty' }, 'The confusion matrix comes when the job has succeeded.'));
      replace(classifyArea, h('p', { class: 'empty' }, 'Images can be classified once the job has succeeded.'));
      return;
    }
    if (evaluationShown) {
      return;
    }
    evaluationShown = true;
    drawClassify();
    try {
      replace(evaluationArea, confusionMatrix(await call(`${path}/evaluation`)));
    } catch (error) {
      replace(evaluationArea, errorBox(error));
    }
  }

  function drawClassify() {
    const file = h('input', { type: 'file', id: 'image', name: 'image', accept: 'image/png,image/jpeg' });
    const top = h('input', { type: 'number', id: 'top', name: 'top', min: 1, max: 10, value: 3, inputmode: 'numeric' });
    const result = h('div', { id: 'predictions', 'aria-live': 'polite' });
    const form = h('form', {
      class: 'inline-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const image = file.files[0];
        if (!image) {
          replace(result, h('p', { class: 'error', role: 'alert' }, 'Choose a PNG or JPEG image first.'));
          return;
        }
        try {
          const answer = await call(`${path}/predictions?top=${encodeURIComponent(top.value)}`, {
            method: 'POST', body: image, contentType: image.type || 'application/octet-stream',
          });
          replace(result, h('ol', { class: 'predictions' }, answer.predictions.map((p) => h('li', {},
            h('span', { class: 'label' }, p.label), ' ',
            h('meter', { min: 0, max: 1, value: p.probability, 'aria-label': `${p.label} probability` }),
            ` ${formatPercent(p.probability)}`))));
        } catch (error) {
          replace(result, errorBox(error));
        }
      },
    },
    h('label', { for: 'image' }, 'Image (PNG or JPEG)'), file,
    h('label', { for: 'top' }, 'Top'), top,
    h('button', { type: 'submit', id: 'classify-button' }, 'Classify'));
    replace(classifyArea, form, result);
  }

  function drawDeliveries() {
    if (!job.deliveries) {
      replace(deliveriesArea);
      return;
    }
    replace(deliveriesArea, h('details', {}, h('summary', {}, `Webhook deliveries (${job.deliveries.length})`),
      table(null, [
        { key: 'event', title: 'Event', cell: (d) => d.event },
        { key: 'status', title: 'Status', cell: (d) => d.status },
        { key: 'attempts', title: 'Attempts', numeric: true, cell: (d) => d.attempts },
        { key: 'lastStatus', title: 'Last HTTP status', numeric: true, cell: (d) => d.lastStatus ?? '–' },
        { key: 'lastError', title: 'Last error', cell: (d) => d.lastError ?? '' },
      ], job.deliveries)));
  }

  async function refresh() {
    try {
      job = await call(path);
      for (const epoch of job.epochs || []) {
        epochs.set(epoch.epoch, epoch);
      }
      drawSummary();
      drawEpochs();
      drawDeliveries();
      await Promise.all([loadPreview(), loadCheckpoints(), loadEvaluation()]);
    } catch (error) {
      showError(error);
    }
  }

  let stream = null;
  refresh().then(() => {
    if (!job) {
      return;
    }
    stream = follow(`${path}/events`, (event) => {
      const data = event.data;
      switch (event.name) {
        case 'steps':
          for (const step of data.steps) {
            appliedRates.set(step.step, step.learningRate);
            losses.set(step.step, step.loss);
          }
          drawRates();
          break;
        case 'epoch':
          epochs.set(data.epoch, data);
          drawEpochs();
          break;
        case 'checkpoint':
          loadCheckpoints();
          break;
        case 'progress':
          Object.assign(job, {
            state: data.state,
            progress: data.progress ?? job.progress,
            latest: { ...job.latest, ...data.latest },
            queuePosition: data.queuePosition,
            waitingFor: data.waitingFor,
            cancelRequested: data.cancelRequested,
          });
          drawSummary();
          loadPreview();
          break;
        case 'state':
          if (data.state !== job.state || data.cancelRequested !== Boolean(job.cancelRequested)) {
            refresh();
          }
          break;
        case 'end':
          refresh();
          break;
        default:
          break;
      }
    }, { onStatus: live.set, onError: showError });
  });

  return () => {
    if (stream) {
      stream.close();
    }
    charts.forEach((chart) => chart.destroy());
  };
}
