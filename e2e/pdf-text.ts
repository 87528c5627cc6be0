import { execFileSync } from 'node:child_process';
import type { Download } from '@playwright/test';

/** A downloaded PDF's text and page count, by poppler's tools. */
export async function readPdf(download: Download): Promise<{ text: string; pages: number }> {
  const file = await download.path();
  const text = execFileSync('pdftotext', [file, '-']).toString();
  const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file]).toString())?.[1]);
  return { text, pages };
}
