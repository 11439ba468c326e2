// Charts drawn with uPlot (a WebJar) on canvas: no HTML is generated from data. Colours are the Okabe-Ito palette,
// which stays distinguishable with every common colour-vision deficiency; series also differ by dash.
import { formatNumber, h } from './dom.js';

export const COLOURS = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#b8b8b8',
};

const NICE = [1, 2, 5];

/** The smallest nice number (1, 2 or 5 times a power of ten) at least {@code value}. */
export function niceAtLeast(value) {
  for (let power = 1; ; power *= 10) {
    for (const n of NICE) {
      if (n * power >= value) {
        return n * power;
      }
    }
  }
}

/**
 * Step-axis ticks on epoch boundaries (every 1, 2, 5, 10... epochs, at most about 8 ticks) when the steps per epoch
 * are known (stepsPerEpoch() answers them, or null), else on round numbers; so a 1251-step epoch is marked "epoch 1"
 * and not "1251" alone.
 */
export function stepAxis(stepsPerEpochOf) {
  return {
    label: 'step',
    size: 52,
    splits: (u, axis, min, max, increment) => {
      const stepsPerEpoch = stepsPerEpochOf();
      if (stepsPerEpoch && max - min >= stepsPerEpoch) {
        const every = niceAtLeast((max - min) / stepsPerEpoch / 8) * stepsPerEpoch;
        const ticks = [];
        for (let step = Math.ceil(min / every) * every; step <= max; step += every) {
          ticks.push(step);
        }
        return ticks;
      }
      const ticks = [];
      for (let value = Math.ceil(min / increment) * increment; value <= max; value += increment) {
        ticks.push(Math.round(value));
      }
      return ticks;
    },
    values: (u, ticks) => {
      const stepsPerEpoch = stepsPerEpochOf();
      return ticks.map((step) => (stepsPerEpoch && step % stepsPerEpoch === 0 && step > 0
        ? `${step}\nepoch ${step / stepsPerEpoch}`
        : String(step)));
    },
  };
}

/** An epoch axis: ticks on whole epochs only. */
export function epochAxis() {
  return {
    label: 'epoch',
    size: 40,
    incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    values: (u, ticks) => ticks.map(String),
  };
}

function valueAxis(label, scale, side = 3) {
  return {
    label,
    scale,
    side,
    size: 64,
    grid: { show: side === 3 },
    values: (u, ticks) => ticks.map((v) => formatNumber(v, 3)),
  };
}

/**
 * A line chart that follows its container's width. spec: {id, title, description (for screen readers), x (an axis),
 * axes ([{label, scale, side}]), series ([{label, colour, dash, scale, points}]), sync (cursor sync key)}.
 */
export class LineChart {
  constructor(container, spec) {
    this.figure = h('figure', { class: 'chart', id: spec.id, role: 'group', 'aria-label': spec.title },
      h('figcaption', {}, spec.title),
      h('p', { class: 'visually-hidden' }, spec.description || ''));
    this.canvasHolder = h('div', { class: 'chart-canvas', role: 'img', 'aria-label': spec.description || spec.title });
    this.figure.append(this.canvasHolder);
    container.append(this.figure);
    const scales = { x: { time: false } };
    for (const axis of spec.axes) {
      scales[axis.scale] = axis.range ? { range: axis.range } : { auto: true };
    }
    this.plot = new globalThis.uPlot({
      width: Math.max(280, this.canvasHolder.clientWidth || container.clientWidth || 600),
      height: spec.height || 260,
      cursor: spec.sync ? { sync: { key: spec.sync } } : {},
      legend: { live: true },
      scales,
      axes: [spec.x, ...spec.axes.map((a) => valueAxis(a.label, a.scale, a.side))],
      series: [
        { label: spec.x.label },
        ...spec.series.map((s) => ({
          label: s.label,
          scale: s.scale,
          stroke: s.colour,
          width: s.width || 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? false, size: 6, fill: s.colour },
          value: (u, v) => formatNumber(v, 6),
        })),
      ],
    }, [[], ...spec.series.map(() => [])], this.canvasHolder);
    this.resize = new ResizeObserver(() => {
      const width = this.canvasHolder.clientWidth;
      if (width > 0 && width !== this.plot.width) {
        this.plot.setSize({ width, height: this.plot.height });
      }
    });
    this.resize.observe(this.canvasHolder);
    this.pending = null;
  }

  /** Sets the data ([xs, ys1, ys2, ...]), drawn at the next frame however often it is called. */
  setData(data) {
    this.pending = data;
    this.figure.dataset.points = String(data[0].length);
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.plot.setData(this.pending);
      });
    }
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.plot.destroy();
    this.figure.remove();
  }
}

/** Series aligned on one x axis from per-series maps of x to y (uPlot wants one shared, sorted x array). */
export function aligned(maps) {
  const xs = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return [xs, ...maps.map((m) => xs.map((x) => (m.has(x) ? m.get(x) : null)))];
}
