/**
 * A live time-series chart on uPlot (canvas, made for streaming data): the
 * plot is created once and fed with `setData`, so a refresh costs a redraw,
 * not a React re-render of thousands of SVG nodes.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  fill?: boolean;
  /** Draw dots: for sparse series (latency exists only in seconds that had requests). */
  points?: boolean;
}

export function LiveChart(props: {
  title: string;
  series: ChartSeries[];
  data: [number[], ...(number | null)[][]];
  unit?: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(undefined);
  const { series, unit, title } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = unit ?? ((v: number) => String(v));
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height: el.clientHeight || 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [
        { stroke: '#7a8099', grid: { stroke: '#eef0f5', width: 1 }, ticks: { show: false }, font: '11px system-ui' },
        {
          stroke: '#7a8099',
          grid: { stroke: '#eef0f5', width: 1 },
          ticks: { show: false },
          size: 56,
          font: '11px system-ui',
          values: (_u, vals) => vals.map((v) => fmt(v)),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.fill ? `${s.color}22` : undefined,
          points: s.points ? { show: true, size: 5, fill: s.color } : { show: false },
          spanGaps: !!s.points,
        })),
      ],
    };
    const u = new uPlot(opts, [[]], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, [series, unit]);

  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  return (
    <section className="card chart-card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        <div className="legend">
          {series.map((s) => (
            <span key={s.label}>
              <i style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </div>
      </div>
      <div className="chart-box" ref={box} />
    </section>
  );
}
