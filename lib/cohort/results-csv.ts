import { existsSync, readFileSync, truncateSync, appendFileSync } from 'node:fs';
import { CSV_COLUMNS, type CohortRow } from './analyse-scan';

// The results file: RFC 4180 CSV, one row appended as each scan finishes, so a stopped run loses at most the scan in hand
// and a new run skips every file already in it.

function csvLine(values: readonly string[]): string {
  return values.map((value) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',') + '\n';
}

/** The first two fields (file, sha256) of each complete line: RFC 4180 quoting, quoted newlines included. */
function keyFields(text: string): Array<[string, string]> {
  const keys: Array<[string, string]> = [];
  let at = 0;
  const field = (): string | null => {
    if (text[at] !== '"') {
      let end = at;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      const value = text.slice(at, end);
      at = end;
      return value;
    }
    let value = '';
    at++;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote < 0) return null;
      value += text.slice(at, quote);
      at = quote + 1;
      if (text[at] !== '"') return value;
      value += '"';
      at++;
    }
  };
  while (at < text.length) {
    const file = field();
    if (file === null) return keys;
    const sha256 = text[at] === ',' ? (at++, field()) : '';
    if (sha256 === null) return keys;
    keys.push([file, sha256]);
    // skip to the next line, past quoted fields that may hold newlines
    let quoted = false;
    while (at < text.length && (quoted || text[at] !== '\n')) {
      if (text[at] === '"') quoted = !quoted;
      at++;
    }
    at++;
  }
  return keys;
}

/**
 * Opens the results file for appending: writes the header to a new file, or reads which scans an earlier run finished.
 * A line cut off by a stopped run is removed. A file with other columns is refused rather than appended to.
 * A row is keyed by its file and content hash: a queue may deliver a scan twice, and the second row is not written.
 */
export function openResults(file: string): { done: Set<string>; append(row: CohortRow): boolean } {
  const header = csvLine(CSV_COLUMNS);
  const rowKey = (name: string, sha256: string) => `${name}\0${sha256}`;
  let keys: Array<[string, string]> = [];
  if (existsSync(file) && readFileSync(file).length > 0) {
    let text = readFileSync(file, 'utf8');
    if (!text.startsWith(header)) throw new Error(`${file} exists but is not a results file of this command (its first line is not "${header.trim()}"). Choose another --out.`);
    if (!text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      truncateSync(file, Buffer.byteLength(text));
    }
    keys = keyFields(text.slice(header.length));
  } else {
    appendFileSync(file, header);
  }
  const done = new Set(keys.map(([name]) => name));
  const written = new Set(keys.map(([name, sha256]) => rowKey(name, sha256)));
  return {
    done,
    append(row) {
      const key = rowKey(row.file, row.sha256);
      if (written.has(key)) return false;
      written.add(key);
      done.add(row.file);
      appendFileSync(file, csvLine(CSV_COLUMNS.map((column) => row[column])));
      return true;
    },
  };
}
