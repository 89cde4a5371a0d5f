/**
 * Bars per day for the Reports screen, on uPlot like the live charts. Days
 * are calendar dates in the event's zone, placed at UTC noon so no browser
 * zone moves a bar to the neighbouring day; a range of one day still gets a
 * visible bar.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtDay } from '../lib/format';

const DAY = 86_400;
const noon = (day: string) => Date.parse(`${day}T12:00:00Z`) / 1000;

export function DayChart(props: {
  days: string[];
  values: number[];
  color: string;
  label: string;
  unit: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { days, values, color, label, unit } = props;

  useEffect(() => {
    const el = box.current;
    if (!el || days.length === 0) return;
    const xs = days.map(noon);
    const byX = new Map(xs.map((x, i) => [x, days[i] as string]));
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height: el.clientHeight || 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: () => [(xs[0] ?? 0) - DAY / 2, (xs.at(-1) ?? 0) + DAY / 2] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      },
      axes: [
        {
          stroke: '#7a8099',
          grid: { show: false },
          ticks: { show: false },
          font: '11px system-ui',
          splits: () => xs,
          values: (_u, vals) =>
            vals.map((v, i) => (days.length > 14 && i % Math.ceil(days.length / 14) ? '' : fmtDay(byX.get(v) ?? ''))),
        },
        {
          stroke: '#7a8099',
          grid: { stroke: '#eef0f5', width: 1 },
          ticks: { show: false },
          size: 56,
          font: '11px system-ui',
          // Whole steps: a count of requests has no halves.
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8, 1e9],
          values: (_u, vals) => vals.map((v) => unit(v)),
        },
      ],
      series: [
        {},
        {
          label,
          stroke: color,
          fill: `${color}cc`,
          width: 0,
          points: { show: false },
          paths: uPlot.paths.bars?.({ size: [0.6, 64], align: 0 }),
        },
      ],
    };
    const u = new uPlot(opts, [xs, values], el);
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [days, values, color, label, unit]);

  return <div className="chart-box" ref={box} role="img" aria-label={`${label} per day`} />;
}
