import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.ts';

export interface Curve {
  label: string;
  /** One value per x; null where this curve has no point (another run's longer history). */
  values: (number | null)[];
}

/** Whole epochs only: a tick at epoch 1.25 means nothing. */
const EPOCH_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

const PALETTE = ['#2f6fde', '#e0752d', '#2a9d55', '#c23b8f', '#7a5cd6', '#b8a01f', '#1f9fb8', '#d1453b'];

/** Axis and grid colours follow the page's text colour, so the chart reads in light and dark schemes. */
function options(title: string, yLabel: string, curves: Curve[], width: number): uPlot.Options {
  const ink = getComputedStyle(document.body).color;
  const axis = { stroke: ink, grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
  return {
    title,
    width,
    height: 240,
    scales: { x: { time: false } },
    axes: [
      { ...axis, label: 'epoch', incrs: EPOCH_INCREMENTS },
      { ...axis, label: yLabel, size: 60 },
    ],
    series: [{ label: 'epoch' }, ...curves.map((c, i) => ({ label: c.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 4 }, spanGaps: true }))],
  };
}

/**
 * A uPlot line chart that grows in place: new points go through `setData` (cheap, keeps zoom and
 * cursor), and it is rebuilt only when the set of curves changes. `data-points` tells tests (and
 * the curious) how many x values it draws.
 */
export function CurveChart({ title, yLabel, xs, curves }: { title: string; yLabel: string; xs: number[]; curves: Curve[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = curves.map((c) => c.label).join('|');
  const data = [xs, ...curves.map((c) => c.values)] as uPlot.AlignedData;

  useEffect(() => {
    const el = box.current!;
    plot.current = new uPlot(options(title, yLabel, curves, Math.max(280, el.clientWidth)), data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, title]);

  useEffect(() => plot.current?.setData(data), [data]);

  return html`<figure class="chart" data-points=${xs.length} aria-label=${`${title}: ${curves.map((c) => c.label).join(', ')} by epoch`}><div ref=${box}></div></figure>`;
}
