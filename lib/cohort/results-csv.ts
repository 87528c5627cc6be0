import { existsSync, readFileSync, truncateSync, appendFileSync } from 'node:fs';
import { CSV_COLUMNS, type CohortRow } from './analyse-scan';

// The results file: RFC 4180 CSV, one row appended as each scan finishes, so a stopped run loses at most the scan in hand
// and a new run skips every file already in it.

function csvLine(values: readonly string[]): string {
  return values.map((value) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',') + '\n';
}

/** The first field of each complete line: RFC 4180 quoting, quoted newlines included. */
function firstFields(text: string): string[] {
  const fields: string[] = [];
  let at = 0;
  while (at < text.length) {
    let field = '';
    if (text[at] === '"') {
      at++;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote < 0) return fields;
        field += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          at = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
    } else {
      let end = at;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      field = text.slice(at, end);
      at = end;
    }
    fields.push(field);
    // skip to the next line, past quoted fields that may hold newlines
    let quoted = false;
    while (at < text.length && (quoted || text[at] !== '\n')) {
      if (text[at] === '"') quoted = !quoted;
      at++;
    }
    at++;
  }
  return fields;
}

/**
 * Opens the results file for appending: writes the header to a new file, or reads which scans an earlier run finished.
 * A line cut off by a stopped run is removed. A file with other columns is refused rather than appended to.
 */
export function openResults(file: string): { done: Set<string>; append(row: CohortRow): void } {
  const header = csvLine(CSV_COLUMNS);
  let done = new Set<string>();
  if (existsSync(file) && readFileSync(file).length > 0) {
    let text = readFileSync(file, 'utf8');
    if (!text.startsWith(header)) throw new Error(`${file} exists but is not a results file of this command (its first line is not "${header.trim()}"). Choose another --out.`);
    if (!text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      truncateSync(file, Buffer.byteLength(text));
    }
    done = new Set(firstFields(text.slice(header.length)));
  } else {
    appendFileSync(file, header);
  }
  return { done, append: (row) => appendFileSync(file, csvLine(CSV_COLUMNS.map((column) => row[column]))) };
}
