import { ApiError, call, errorBox } from '../api.js';
import { COLOURS, LineChart, aligned, stepAxis } from '../charts.js';
import { h, replace } from '../dom.js';

const PREVIEW_DELAY_MS = 250;

/** The form's fields, each named by its path in the job spec, so the server's field errors land next to them. */
const FIELDS = [
  { legend: 'Job', fields: [
    { name: 'name', label: 'Name', type: 'text', hint: 'up to 100 characters' },
    { name: 'model', label: 'Model', type: 'select', options: [], byDefault: 'seednet' },
    { name: 'epochs', label: 'Epochs', type: 'number', placeholder: '10' },
    { name: 'batchSize', label: 'Batch size', type: 'number', placeholder: '64' },
    { name: 'seed', label: 'Seed', type: 'number', hint: 'drawn at submission when empty' },
    { name: 'priority', label: 'Priority', type: 'number', placeholder: '0', hint: '-100..100, higher runs first' },
  ] },
  { legend: 'Dataset', fields: [
    { name: 'dataset.name', label: 'Dataset', type: 'select', options: ['cifar10', 'imagefolder'], byDefault: 'cifar10' },
    { name: 'dataset.path', label: 'Image folder (training)', type: 'text', hint: 'imagefolder only, under the data directory' },
    { name: 'dataset.testPath', label: 'Image folder (test)', type: 'text' },
    { name: 'dataset.trainLimit', label: 'Training images (first N)', type: 'number' },
    { name: 'dataset.testLimit', label: 'Test images (first N)', type: 'number' },
    { name: 'dataset.validationFraction', label: 'Validation fraction', type: 'number', placeholder: '0', hint: '0..0.5 held out' },
  ] },
  { legend: 'Optimizer', fields: [
    { name: 'optimizer.type', label: 'Optimizer', type: 'select', options: ['sgd', 'adam', 'adamw'], byDefault: 'sgd' },
    { name: 'optimizer.momentum', label: 'Momentum', type: 'number', placeholder: '0.9' },
    { name: 'optimizer.nesterov', label: 'Nesterov', type: 'boolean', byDefault: 'yes' },
    { name: 'optimizer.weightDecay', label: 'Weight decay', type: 'number', placeholder: '5e-4' },
  ] },
  { legend: 'Learning-rate schedule', fields: [
    { name: 'schedule.type', label: 'Schedule', type: 'select', options: ['cosine-warmup', 'cosine', 'constant'], byDefault: 'cosine-warmup' },
    { name: 'schedule.baseLr', label: 'Base rate', type: 'number', placeholder: '0.05' },
    { name: 'schedule.warmupEpochs', label: 'Warmup epochs', type: 'number', placeholder: '1' },
    { name: 'schedule.warmupSteps', label: 'Warmup steps', type: 'number', hint: 'instead of warmup epochs' },
    { name: 'schedule.warmupStartLr', label: 'Warmup start rate', type: 'number', placeholder: '0' },
    { name: 'schedule.minLr', label: 'Final rate', type: 'number', placeholder: '0' },
  ] },
  { legend: 'Augmentation', fields: [
    { name: 'augment.randomCrop', label: 'Random crop (pixels)', type: 'number', placeholder: '4' },
    { name: 'augment.horizontalFlip', label: 'Horizontal flip', type: 'boolean', byDefault: 'yes' },
    { name: 'augment.normalize', label: 'Normalize', type: 'boolean', byDefault: 'yes' },
  ] },
];

const PREVIEWED = /^(schedule\.|epochs$|batchSize$|dataset\.)/;

function fieldId(name) {
  return `field-${name.replace(/\./g, '-')}`;
}

function control(field) {
  const id = fieldId(field.name);
  const described = `${id}-error ${field.hint ? `${id}-hint` : ''}`.trim();
  if (field.type === 'select' || field.type === 'boolean') {
    const unset = ['', `default (${field.byDefault})`];
    const options = field.type === 'boolean'
      ? [unset, ['true', 'yes'], ['false', 'no']]
      : [unset, ...field.options.map((o) => [o, o])];
    return h('select', { id, name: field.name, 'aria-describedby': described },
      options.map(([value, text]) => h('option', { value }, text)));
  }
  // text inputs for numbers too: what the user typed reaches the server, which says what is wrong with it
  return h('input', {
    id, name: field.name, type: 'text', placeholder: field.placeholder,
    inputmode: field.type === 'number' ? 'decimal' : null, autocomplete: 'off', 'aria-describedby': described,
  });
}

/** The spec the form describes: empty fields are left out (the server fills in its defaults). */
export function specOf(form) {
  const spec = {};
  for (const element of form.elements) {
    if (!element.name || element.value.trim() === '') {
      continue;
    }
    const field = FIELDS.flatMap((g) => g.fields).find((f) => f.name === element.name);
    const raw = element.value.trim();
    let value = raw;
    if (field.type === 'boolean') {
      value = raw === 'true';
    } else if (field.type === 'number' && raw !== '' && !Number.isNaN(Number(raw))) {
      value = Number(raw);
    }
    const path = element.name.split('.');
    let target = spec;
    for (const key of path.slice(0, -1)) {
      target[key] = target[key] || {};
      target = target[key];
    }
    target[path[path.length - 1]] = value;
  }
  return spec;
}

/** A form for a job spec whose schedule chart follows every keystroke, with the server's messages at each field. */
export function submitPage(main) {
  let previewTimer = null;
  let previewAbort = null;
  let stepsPerEpoch = null;
  const formError = h('div', { id: 'form-error', 'aria-live': 'assertive' });
  const previewStatus = h('p', { id: 'preview-status', 'aria-live': 'polite' });
  const chartHolder = h('div', {});
  const form = h('form', { id: 'submit-form', class: 'spec-form', novalidate: true },
    FIELDS.map((group) => h('fieldset', {}, h('legend', {}, group.legend), group.fields.map((field) => {
      const id = fieldId(field.name);
      return h('div', { class: 'field' },
        h('label', { for: id }, field.label),
        control(field),
        field.hint ? h('small', { id: `${id}-hint`, class: 'hint' }, field.hint) : null,
        h('small', { id: `${id}-error`, class: 'field-error', 'data-error-for': field.name }));
    }))),
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', id: 'submit-job' }, 'Submit job')),
    formError);

  replace(main, h('h1', {}, 'Submit a job'),
    h('div', { class: 'submit-layout' }, form,
      h('aside', { class: 'preview', 'aria-labelledby': 'preview-title' },
        h('h2', { id: 'preview-title' }, 'Schedule preview'), previewStatus, chartHolder)));

  const chart = new LineChart(chartHolder, {
    id: 'preview-chart',
    title: 'Learning rate by step',
    description: 'The learning rate the schedule gives at each step, as the server previews it.',
    x: stepAxis(() => stepsPerEpoch),
    axes: [{ label: 'learning rate', scale: 'lr' }],
    series: [{ label: 'learning rate', colour: COLOURS.blue, scale: 'lr' }],
  });

  /** Shows field errors next to their fields; answers the errors no field of the form shows. */
  function showFieldErrors(errors, only) {
    for (const slot of form.querySelectorAll('[data-error-for]')) {
      if (!only || only.test(slot.dataset.errorFor)) {
        slot.textContent = '';
        form.elements[slot.dataset.errorFor]?.removeAttribute('aria-invalid');
      }
    }
    const unplaced = [];
    for (const error of errors) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`)
        || form.querySelector(`[data-error-for="${CSS.escape(error.field.split('.')[0])}"]`);
      if (slot) {
        slot.textContent = slot.textContent ? `${slot.textContent}; ${error.message}` : error.message;
        form.elements[slot.dataset.errorFor]?.setAttribute('aria-invalid', 'true');
      } else {
        unplaced.push(error);
      }
    }
    return unplaced;
  }

  async function updatePreview() {
    const spec = specOf(form);
    const request = {
      schedule: spec.schedule, epochs: spec.epochs ?? 10, batchSize: spec.batchSize ?? 64,
      dataset: spec.dataset, maxPoints: 2000,
    };
    previewAbort?.abort();
    previewAbort = new AbortController();
    try {
      const answer = await call('api/v1/schedules/preview', { method: 'POST', json: request, signal: previewAbort.signal });
      stepsPerEpoch = answer.stepsPerEpoch;
      chart.setData(aligned([new Map(answer.points.map((p) => [p.step, p.lr]))]));
      previewStatus.textContent = `${answer.totalSteps} steps (${answer.stepsPerEpoch} per epoch), `
        + `${answer.warmupSteps} warmup steps`;
      showFieldErrors([], PREVIEWED);
    } catch (error) {
      if (error.name === 'AbortError') {
        return;
      }
      if (error instanceof ApiError) {
        const unplaced = showFieldErrors(error.fieldErrors, PREVIEWED);
        previewStatus.textContent = unplaced.length || !error.fieldErrors.length
          ? `No preview: ${error.message}`
          : 'No preview until the marked fields are fixed.';
      } else {
        previewStatus.textContent = `No preview: ${error.message}`;
      }
    }
  }

  form.addEventListener('input', (event) => {
    if (PREVIEWED.test(event.target.name)) {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(updatePreview, PREVIEW_DELAY_MS);
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(formError);
    try {
      const job = await call('api/v1/jobs', { method: 'POST', json: specOf(form) });
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (error) {
      const unplaced = error instanceof ApiError ? showFieldErrors(error.fieldErrors) : [];
      if (!(error instanceof ApiError) || unplaced.length || !error.fieldErrors.length) {
        replace(formError, errorBox(error));
      } else {
        replace(formError, h('p', { class: 'error', role: 'alert' },
          `The server refused the job: ${error.fieldErrors.length} field(s) to fix, marked above.`));
      }
      form.querySelector('[aria-invalid="true"]')?.focus();
    }
  });

  call('api/v1/models').then((models) => {
    const select = form.elements.model;
    for (const model of models) {
      select.append(h('option', { value: model.name }, `${model.name} (${model.parameters.toLocaleString()} parameters)`));
    }
  }).catch((error) => replace(formError, errorBox(error)));
  updatePreview();

  return () => {
    clearTimeout(previewTimer);
    previewAbort?.abort();
    chart.destroy();
  };
}
