import { call, errorBox } from '../api.js';
import { h, replace, table } from '../dom.js';

const LAYER_COLUMNS = [
  { key: 'name', title: 'Layer', cell: (l) => l.name },
  { key: 'type', title: 'Type', cell: (l) => l.type },
  { key: 'input', title: 'Input shape', cell: (l) => `[${l.inputShape.join(', ')}]` },
  { key: 'output', title: 'Output shape', cell: (l) => `[${l.outputShape.join(', ')}]` },
  { key: 'parameters', title: 'Parameters', numeric: true, cell: (l) => l.parameters.toLocaleString() },
];

/** The models a job can train, each with its layer table at batch size 64. */
export function modelsPage(main) {
  const list = h('div', { id: 'models' });
  replace(main, h('h1', {}, 'Models'), list);
  call('api/v1/models').then(async (models) => {
    for (const model of models) {
      const section = h('section', { 'aria-labelledby': `model-${model.name}`, 'data-model': model.name },
        h('h2', { id: `model-${model.name}` }, model.name), h('p', {}, model.description));
      list.append(section);
      try {
        const summary = await call(`api/v1/models/${encodeURIComponent(model.name)}/summary?batchSize=64`);
        section.append(
          table(`${model.name} at batch size ${summary.batchSize}`, LAYER_COLUMNS, summary.layers),
          h('p', {}, `Total parameters: ${summary.totalParameters.toLocaleString()}; trainable: `
            + `${summary.trainableParameters.toLocaleString()}.`));
      } catch (error) {
        section.append(errorBox(error));
      }
    }
  }).catch((error) => replace(list, errorBox(error)));
}
