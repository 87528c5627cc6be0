import { BOLD, COLOURS, MARGIN, REGULAR } from './document';

// A small table: a header row, rules between rows, numbers right-aligned. Cells stay on one line.

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

const ROW_HEIGHT = 14;
const PAD = 4;

/** Draws the table from y; returns the y below it. */
export function drawTable(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], y: number): number {
  const totalWidth = columns.reduce((sum, column) => sum + column.width, 0);
  const row = (cells: string[], top: number, bold: boolean, colour: string) => {
    let x = MARGIN;
    doc.font(bold ? BOLD : REGULAR).fontSize(8.5).fillColor(colour);
    columns.forEach((column, c) => {
      doc.text(cells[c] ?? '', x + PAD, top + 3.5, { width: column.width - 2 * PAD, align: column.align ?? 'left', lineBreak: false, height: ROW_HEIGHT });
      x += column.width;
    });
  };
  doc.rect(MARGIN, y, totalWidth, ROW_HEIGHT).fill(COLOURS.panel);
  row(columns.map((column) => column.header), y, true, COLOURS.muted);
  let top = y + ROW_HEIGHT;
  for (const cells of rows) {
    doc.moveTo(MARGIN, top).lineTo(MARGIN + totalWidth, top).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
    row(cells, top, false, COLOURS.ink);
    top += ROW_HEIGHT;
  }
  doc.moveTo(MARGIN, top).lineTo(MARGIN + totalWidth, top).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
  return top;
}
