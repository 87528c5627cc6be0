import type { ChartPoint } from '@/lib/answers/volume-answer';

// Tumour probability per slice, drawn on the server as inline SVG: no chart library, no JavaScript.

const WIDTH = 640, HEIGHT = 190;
const LEFT = 44, RIGHT = 12, TOP = 12, BOTTOM = 36;
const plotWidth = WIDTH - LEFT - RIGHT, plotHeight = HEIGHT - TOP - BOTTOM;

interface Props {
  points: ChartPoint[];
  sliceCount: number;
  threshold: number;
  startIndex: number;
  superiorIncreases: boolean;
}

export default function ProbabilityChart({ points, sliceCount, threshold, startIndex, superiorIncreases }: Props) {
  const x = (index: number) => LEFT + (sliceCount > 1 ? (index / (sliceCount - 1)) * plotWidth : plotWidth / 2);
  const y = (probability: number) => TOP + (1 - probability) * plotHeight;
  const maxArea = Math.max(1, ...points.map((p) => p.tumourAreaPx));
  const barWidth = Math.max(1, plotWidth / sliceCount - 0.5);
  const line = points.map((p) => `${x(p.index).toFixed(1)},${y(p.probability).toFixed(1)}`).join(' ');
  const ticks = [0, Math.round((sliceCount - 1) / 4), Math.round((sliceCount - 1) / 2), Math.round((3 * (sliceCount - 1)) / 4), sliceCount - 1];
  const peak = points.find((p) => p.index === startIndex);
  const called = points.filter((p) => p.probability >= threshold).length;
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" data-testid="probability-chart"
        aria-label={`Tumour probability for each of ${points.length} slices with brain; ${called} are above the decision threshold of ${Math.round(threshold * 100)}%.`}>
        <rect x={LEFT} y={TOP} width={plotWidth} height={plotHeight} fill="#f8fafc" stroke="#e2e8f0" />
        {points.filter((p) => p.tumourAreaPx > 0).map((p) => (
          <rect key={p.index} x={x(p.index) - barWidth / 2} width={barWidth} y={TOP + plotHeight * (1 - p.tumourAreaPx / maxArea)}
            height={plotHeight * (p.tumourAreaPx / maxArea)} fill="#fecaca" />
        ))}
        {[0, 0.5, 1].map((p) => (
          <g key={p}>
            <line x1={LEFT - 4} x2={LEFT} y1={y(p)} y2={y(p)} stroke="#64748b" />
            <text x={LEFT - 7} y={y(p) + 4} textAnchor="end" fontSize="11" fill="#475569">{p * 100}%</text>
          </g>
        ))}
        <line x1={LEFT} x2={LEFT + plotWidth} y1={y(threshold)} y2={y(threshold)} stroke="#334155" strokeDasharray="4 4" />
        <polyline points={line} fill="none" stroke="#0f766e" strokeWidth="2" strokeLinejoin="round" />
        {peak && <circle cx={x(peak.index)} cy={y(peak.probability)} r="4" fill="#b91c1c" />}
        {ticks.map((index) => (
          <g key={index}>
            <line x1={x(index)} x2={x(index)} y1={TOP + plotHeight} y2={TOP + plotHeight + 4} stroke="#64748b" />
            <text x={x(index)} y={TOP + plotHeight + 16} textAnchor="middle" fontSize="11" fill="#475569">{index}</text>
          </g>
        ))}
        <text x={LEFT + plotWidth / 2} y={HEIGHT - 4} textAnchor="middle" fontSize="11" fill="#475569">
          slice ({superiorIncreases ? 'feet → head' : 'head → feet'})
        </text>
      </svg>
      <figcaption className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
        <span><span aria-hidden className="mr-1 inline-block h-0.5 w-4 bg-teal-700 align-middle" />probability the slice shows tumour</span>
        {points.some((p) => p.tumourAreaPx > 0) && <span><span aria-hidden className="mr-1 inline-block h-3 w-3 bg-red-200 align-middle" />predicted tumour area (tallest bar: {maxArea.toLocaleString('en')} voxels)</span>}
        <span><span aria-hidden className="mr-1 inline-block w-4 border-t border-dashed border-slate-700 align-middle" />decision threshold ({Math.round(threshold * 100)}%)</span>
        {peak && <span><span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-full bg-red-700 align-middle" />slice {peak.index}, the most tumour</span>}
      </figcaption>
    </figure>
  );
}
