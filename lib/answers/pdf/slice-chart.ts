import { COLOURS, REGULAR } from './document';

// Tumour probability and tumour area per slice in vector lines, as app/ui/volume/probability-chart.tsx draws it on the page.

interface ChartSlice {
  index: number;
  probability: number;
  tumourAreaPx: number;
}

interface ChartSpec {
  slices: ChartSlice[];
  sliceCount: number;
  threshold: number;
  superiorIncreases: boolean;
}

const LEFT = 34, BOTTOM = 28, TOP = 4, LEGEND = 26;

/** Draws the chart into the box from (x, y); returns the y below it, legend included. */
export function drawSliceChart(doc: PDFKit.PDFDocument, spec: ChartSpec, x: number, y: number, width: number, height: number): number {
  const { slices, sliceCount, threshold } = spec;
  const plot = { x: x + LEFT, y: y + TOP, width: width - LEFT - 4, height: height - TOP - BOTTOM - LEGEND };
  const px = (index: number) => plot.x + (sliceCount > 1 ? (index / (sliceCount - 1)) * plot.width : plot.width / 2);
  const py = (probability: number) => plot.y + (1 - probability) * plot.height;
  const maxArea = Math.max(1, ...slices.map((s) => s.tumourAreaPx));
  const barWidth = Math.max(0.6, plot.width / sliceCount - 0.3);
  const peak = slices.reduce<ChartSlice | null>((best, s) => (s.tumourAreaPx > (best?.tumourAreaPx ?? 0) ? s : best), null);

  doc.rect(plot.x, plot.y, plot.width, plot.height).lineWidth(0.5).fillAndStroke(COLOURS.panel, COLOURS.rule);
  for (const s of slices) {
    if (s.tumourAreaPx <= 0) continue;
    const barHeight = plot.height * (s.tumourAreaPx / maxArea);
    doc.rect(px(s.index) - barWidth / 2, plot.y + plot.height - barHeight, barWidth, barHeight).fill(COLOURS.tumour);
  }
  doc.font(REGULAR).fontSize(7).fillColor(COLOURS.muted);
  for (const p of [0, 0.5, 1]) {
    doc.moveTo(plot.x - 3, py(p)).lineTo(plot.x, py(p)).lineWidth(0.5).strokeColor(COLOURS.muted).stroke();
    doc.text(`${p * 100}%`, x, py(p) - 3.5, { width: LEFT - 6, align: 'right', lineBreak: false });
  }
  doc.moveTo(plot.x, py(threshold)).lineTo(plot.x + plot.width, py(threshold)).lineWidth(0.75).strokeColor('#334155').dash(3, { space: 3 }).stroke().undash();
  slices.forEach((s, i) => (i === 0 ? doc.moveTo(px(s.index), py(s.probability)) : doc.lineTo(px(s.index), py(s.probability))));
  if (slices.length > 0) doc.lineWidth(1.2).lineJoin('round').strokeColor(COLOURS.teal).stroke();
  if (peak) doc.circle(px(peak.index), py(peak.probability), 2.5).fill(COLOURS.red);

  const last = sliceCount - 1;
  const ticks = [...new Set([0, Math.round(last / 4), Math.round(last / 2), Math.round((3 * last) / 4), last])];
  doc.fillColor(COLOURS.muted);
  for (const index of ticks) {
    doc.moveTo(px(index), plot.y + plot.height).lineTo(px(index), plot.y + plot.height + 3).lineWidth(0.5).strokeColor(COLOURS.muted).stroke();
    doc.text(String(index), px(index) - 15, plot.y + plot.height + 5, { width: 30, align: 'center', lineBreak: false });
  }
  doc.text(`slice (${spec.superiorIncreases ? 'feet → head' : 'head → feet'})`, plot.x, plot.y + plot.height + 15, { width: plot.width, align: 'center', lineBreak: false });

  // the legend: a key and its words, one after another, on a second line when the first is full
  let lx = plot.x;
  let ly = y + height - LEGEND + 6;
  const key = (draw: () => void, words: string) => {
    doc.font(REGULAR).fontSize(7);
    const keyWidth = 16 + doc.widthOfString(words);
    if (lx + keyWidth > x + width) [lx, ly] = [plot.x, ly + 11];
    draw();
    doc.font(REGULAR).fontSize(7).fillColor(COLOURS.muted).text(words, lx + 16, ly - 3.5, { lineBreak: false });
    lx += keyWidth + 12;
  };
  key(() => doc.moveTo(lx, ly).lineTo(lx + 12, ly).lineWidth(1.2).strokeColor(COLOURS.teal).stroke(), 'probability the slice shows tumour');
  if (peak) key(() => doc.rect(lx + 2, ly - 4, 8, 8).fill(COLOURS.tumour), `tumour area (tallest bar: ${maxArea.toLocaleString('en')} voxels)`);
  key(() => doc.moveTo(lx, ly).lineTo(lx + 12, ly).lineWidth(0.75).strokeColor('#334155').dash(2, { space: 2 }).stroke().undash(), `decision threshold (${Math.round(threshold * 100)}%)`);
  if (peak) key(() => doc.circle(lx + 6, ly, 2.5).fill(COLOURS.red), `slice ${peak.index}, the most tumour`);
  return y + height;
}
