import type { KeyPicture } from '../key-pictures';
import { BOLD, COLOURS, MARGIN, REGULAR } from './document';
import { planeName } from './report-words';

// The three key pictures side by side, each with the side letters at its edges (R/L, A/P, S/I) and its plane below.

const GAP = 14;
const LETTER = 10; // room for a side letter beside each edge

/** Draws the pictures in a row from y, each at most `side` points; returns the y below the captions. */
export function drawPictureRow(doc: PDFKit.PDFDocument, pictures: KeyPicture[], y: number, width: number, side: number): number {
  const cell = (width - GAP * (pictures.length - 1)) / Math.max(1, pictures.length);
  const box = Math.min(side, cell - 2 * LETTER);
  let bottom = y;
  pictures.forEach((picture, i) => {
    const scale = box / Math.max(picture.width, picture.height);
    const w = picture.width * scale, h = picture.height * scale;
    const cellX = MARGIN + i * (cell + GAP);
    const x = cellX + (cell - w) / 2, top = y + LETTER + (box - h) / 2;
    doc.image(picture.png, x, top, { width: w, height: h });
    doc.font(BOLD).fontSize(8).fillColor(COLOURS.muted);
    const letter = (text: string, lx: number, ly: number, align: 'left' | 'center' | 'right') =>
      doc.text(text, lx, ly, { width: 12, align, lineBreak: false });
    letter(picture.sides.left, x - 12 - 2, top + h / 2 - 4, 'right');
    letter(picture.sides.right, x + w + 2, top + h / 2 - 4, 'left');
    letter(picture.sides.top, x + w / 2 - 6, top - 10, 'center');
    letter(picture.sides.bottom, x + w / 2 - 6, top + h + 1.5, 'center');
    const captionY = y + 2 * LETTER + box + 2;
    doc.font(BOLD).fontSize(8.5).fillColor(COLOURS.ink).text(planeName(picture.plane), cellX, captionY, { width: cell, align: 'center', lineBreak: false });
    doc.font(REGULAR).fontSize(7).fillColor(COLOURS.muted)
      .text(`${picture.sides.left} left, ${picture.sides.right} right, ${picture.sides.top} top, ${picture.sides.bottom} bottom`, cellX, captionY + 11, { width: cell, align: 'center', lineBreak: false });
    bottom = captionY + 20;
  });
  return bottom;
}
