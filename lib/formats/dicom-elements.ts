import type { DataSet } from 'dicom-parser';

// Checked reads of one DICOM element, shared by the file and functional-group readers: every value bounded in size and
// inside the file before dicom-parser decodes it. A failure throws a plain Error, which the callers turn into "damaged".

/** Reads one checked element's text: bounded in size and inside the file. */
export function text(dataSet: DataSet, tag: string, size: number, maxLength = 64): string | undefined {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return undefined;
  if (element.length > maxLength || element.dataOffset < 0 || element.dataOffset + element.length > size) throw new Error(`element ${tag} out of bounds`);
  return dataSet.string(tag);
}

export function numbers(dataSet: DataSet, tag: string, size: number, count: number): number[] | null {
  const value = text(dataSet, tag, size, 256);
  if (value === undefined) return null;
  const parts = value.split('\\').map((part) => Number(part.trim()));
  if (parts.length !== count || parts.some((n) => !Number.isFinite(n) || Math.abs(n) > 1e6)) throw new Error(`element ${tag} is not ${count} numbers`);
  return parts;
}

export function integer(dataSet: DataSet, tag: string, size: number, kind: 'US' | 'IS'): number | undefined {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return undefined;
  if (element.dataOffset + element.length > size) throw new Error(`element ${tag} out of bounds`);
  if (kind === 'US') {
    if (element.length !== 2) throw new Error(`element ${tag} is not one US value`);
    return dataSet.uint16(tag);
  }
  const value = Number(text(dataSet, tag, size, 16));
  if (!Number.isInteger(value)) throw new Error(`element ${tag} is not an integer`);
  return value;
}

