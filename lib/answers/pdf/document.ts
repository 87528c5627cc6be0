import path from 'node:path';
import PDFDocument from 'pdfkit';

// An A4 document in the fonts this project ships: pdfkit's built-in fonts (Helvetica's AFM files) are not found once
// Next has bundled the server, and a font file of our own is embedded (subset), so the PDF reads the same everywhere.

const FONTS = path.join(process.cwd(), 'lib/answers/fonts');
export const REGULAR = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';

const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = 42;
export const CONTENT_WIDTH = A4.width - 2 * MARGIN;
/** The lowest y that content may reach; the footer lies below it. */
export const CONTENT_BOTTOM = A4.height - MARGIN - 14;

export const COLOURS = {
  ink: '#0f172a', muted: '#475569', faint: '#94a3b8', rule: '#e2e8f0', panel: '#f8fafc',
  teal: '#0f766e', red: '#b91c1c', tumour: '#fecaca',
  noticeFill: '#fffbeb', noticeLine: '#fcd34d', noticeInk: '#78350f',
  warningFill: '#fef2f2', warningLine: '#fca5a5', warningInk: '#7f1d1d',
};

interface Document {
  doc: PDFKit.PDFDocument;
  /** The PDF's bytes, once doc.end() has been called. */
  bytes: Promise<Buffer>;
}

export function createDocument(info: { title: string; creator: string; created: Date }): Document {
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, font: path.join(FONTS, `${REGULAR}.ttf`), bufferPages: true,
    info: { Title: info.title, Creator: info.creator, Producer: info.creator, CreationDate: info.created },
  });
  doc.registerFont(REGULAR, path.join(FONTS, `${REGULAR}.ttf`));
  doc.registerFont(BOLD, path.join(FONTS, `${BOLD}.ttf`));
  doc.font(REGULAR);
  const chunks: Buffer[] = [];
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}

/** Text at a place, never wrapping onto a new page; returns the y below it. */
export function textAt(doc: PDFKit.PDFDocument, text: string, x: number, y: number, options: { size?: number; bold?: boolean; colour?: string; width?: number; align?: 'left' | 'center' | 'right'; lineGap?: number } = {}): number {
  const width = options.width ?? CONTENT_WIDTH - (x - MARGIN);
  doc.font(options.bold ? BOLD : REGULAR).fontSize(options.size ?? 9).fillColor(options.colour ?? COLOURS.ink);
  const textOptions = { width, align: options.align ?? 'left', lineGap: options.lineGap ?? 1.5 };
  const height = doc.heightOfString(text, textOptions);
  doc.text(text, x, y, { ...textOptions, height: height + 1 });
  return y + height;
}

export function sectionHeading(doc: PDFKit.PDFDocument, title: string, y: number): number {
  const below = textAt(doc, title, MARGIN, y, { size: 12, bold: true, colour: COLOURS.teal });
  doc.moveTo(MARGIN, below + 2).lineTo(MARGIN + CONTENT_WIDTH, below + 2).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
  return below + 8;
}

/** A tinted box with text in it (the research notice, the guard's warning); returns the y below it. */
export function noticeBox(doc: PDFKit.PDFDocument, text: string, y: number, tone: 'notice' | 'warning', title?: string): number {
  const [fill, line, ink] = tone === 'notice' ? [COLOURS.noticeFill, COLOURS.noticeLine, COLOURS.noticeInk] : [COLOURS.warningFill, COLOURS.warningLine, COLOURS.warningInk];
  const pad = 7, width = CONTENT_WIDTH - 2 * pad;
  const body = title ? `${title} ${text}` : text;
  doc.font(REGULAR).fontSize(9);
  const height = doc.heightOfString(body, { width, lineGap: 1.5 }) + 2 * pad;
  doc.roundedRect(MARGIN, y, CONTENT_WIDTH, height, 3).lineWidth(0.75).fillAndStroke(fill, line);
  if (title) {
    doc.font(BOLD).fontSize(9).fillColor(ink).text(`${title} `, MARGIN + pad, y + pad, { width, lineGap: 1.5, continued: true });
    doc.font(REGULAR).text(text, { lineGap: 1.5 });
  } else {
    textAt(doc, text, MARGIN + pad, y + pad, { colour: ink, width });
  }
  return y + height;
}

/** The line at the foot of every page. */
export function footers(doc: PDFKit.PDFDocument, text: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let page = start; page < start + count; page++) {
    doc.switchToPage(page);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // text in the margin would otherwise start a new page
    textAt(doc, `${text} · page ${page + 1} of ${count}`, MARGIN, A4.height - MARGIN + 4, { size: 7.5, colour: COLOURS.faint, width: CONTENT_WIDTH, align: 'center' });
    doc.page.margins.bottom = bottom;
  }
}
