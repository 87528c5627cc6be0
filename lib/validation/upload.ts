import { z } from 'zod';
import type { SliceUpload } from '../analysis/analyse-slice';
import { tooManyFiles, UploadError, type UploadErrorStatus } from '../errors';
import { megabytes } from '../format';
import { MAX_DICOM_FILES, MAX_SLICE_UPLOAD_BYTES, MAX_VOLUME_UPLOAD_BYTES } from '../limits';
import type { VolumeUploads } from '../analysis/analyse-scans';

// One validation for the form and the API: the same rules, the same messages.

/** A file as both doors deliver it: the form's File and formidable's in-memory buffer. */
export interface UploadedFile {
  size: number;
  /** The name it was sent with, if any: a single NIfTI's mask download is named after it, nothing else reads it. */
  name?: string;
  read(): Promise<Uint8Array>;
}


const uploadedFile = z.custom<UploadedFile>((value) => typeof value === 'object' && value !== null && 'size' in value && 'read' in value);

function requireFile(file: UploadedFile | UploadedFile[] | undefined, message: string, ctx: z.RefinementCtx): void {
  if (!file || (Array.isArray(file) && file.length === 0)) ctx.addIssue({ code: 'custom', message, path: ['flair'] });
}

function totalSizeWithin(limit: number, what: string) {
  return (files: Record<string, UploadedFile | UploadedFile[] | undefined>, ctx: z.RefinementCtx) => {
    const total = Object.values(files).flatMap((file) => file ?? []).reduce<number>((sum, file) => sum + file.size, 0);
    if (total > limit) {
      ctx.addIssue({ code: 'custom', message: `The ${what} is ${megabytes(total)}; the limit is ${megabytes(limit)}.`, params: { status: 413 } });
    }
  };
}

// a ticked checkbox sends "on"; a program sends force=true
const forceFlag = z.enum(['true', 'on', '1', 'false', 'off', '0', ''], { message: 'force must be true or false.' }).optional()
  .transform((value) => value === 'true' || value === 'on' || value === '1');

const seriesFiles = z.array(uploadedFile).max(MAX_DICOM_FILES, { message: `Send at most ${MAX_DICOM_FILES.toLocaleString('en')} files (one series).` });

const sliceSchema = z
  .object({
    flair: uploadedFile.optional(),
    t1: uploadedFile.optional(),
    t1c: uploadedFile.optional(),
    reading: z.enum(['auto', 'grayscale', 'layered'], { message: 'Choose how to read the colour channels.' }).default('auto'),
    force: forceFlag,
  })
  .superRefine((value, ctx) => {
    requireFile(value.flair, 'Choose a FLAIR image to analyse.', ctx);
    totalSizeWithin(MAX_SLICE_UPLOAD_BYTES, 'upload')({ flair: value.flair, t1: value.t1, t1c: value.t1c }, ctx);
  });

const volumeSchema = z
  .object({
    // one NIfTI file, the files of one DICOM series, or one .zip of them; the same for an earlier scan (baseline)
    flair: seriesFiles.optional(),
    t1c: uploadedFile.optional(),
    baseline: seriesFiles.optional(),
    force: forceFlag,
  })
  .superRefine((value, ctx) => {
    requireFile(value.flair, 'Choose a FLAIR volume to analyse: a .nii or .nii.gz file, or the .dcm files (or a .zip) of a DICOM series.', ctx);
    totalSizeWithin(MAX_VOLUME_UPLOAD_BYTES, 'upload')({ flair: value.flair, t1c: value.t1c, baseline: value.baseline }, ctx);
  });

function firstProblem(error: z.ZodError): UploadError {
  const issue = error.issues[0];
  const status = ((issue as { params?: { status?: UploadErrorStatus } }).params?.status ?? 400) as UploadErrorStatus;
  return new UploadError(issue.message, status);
}

export interface SliceFields {
  flair?: UploadedFile;
  t1?: UploadedFile;
  t1c?: UploadedFile;
  reading?: string;
  force?: string;
}

export async function parseSliceUpload(fields: SliceFields): Promise<SliceUpload> {
  const parsed = sliceSchema.safeParse(fields);
  if (!parsed.success) throw firstProblem(parsed.error);
  const { flair, t1, t1c, reading, force } = parsed.data;
  return { flair: await flair!.read(), t1: await t1?.read(), t1c: await t1c?.read(), reading, force };
}

export interface VolumeFields {
  /** One file, or the files of a DICOM series. */
  flair?: UploadedFile | UploadedFile[];
  t1c?: UploadedFile;
  /** An earlier scan of the same patient, like flair. */
  baseline?: UploadedFile | UploadedFile[];
  force?: string;
}

const asList = (field: UploadedFile | UploadedFile[] | undefined) => (field === undefined || Array.isArray(field) ? field : [field]);
const readAll = (files: UploadedFile[]) => Promise.all(files.map((file) => file.read()));

export async function parseVolumeUpload(fields: VolumeFields): Promise<VolumeUploads> {
  const baseline = asList(fields.baseline);
  const parsed = volumeSchema.safeParse({ ...fields, flair: asList(fields.flair), baseline: baseline?.length ? baseline : undefined });
  if (!parsed.success) throw firstProblem(parsed.error);
  const { flair, t1c, force } = parsed.data;
  return { flair: await readAll(flair!), t1c: await t1c?.read(), baseline: parsed.data.baseline && (await readAll(parsed.data.baseline)), force };
}

/** Every file of a form field that takes several (the files of a DICOM series); an empty file input gives none. */
export function formFiles(formData: FormData, name: string): UploadedFile[] {
  return formData.getAll(name).map(fromFormFile).filter((file) => file !== undefined);
}

/** The one file of a form field; two files in one field are refused, as the API refuses them. */
export function formFile(formData: FormData, name: string): UploadedFile | undefined {
  const files = formData.getAll(name).map(fromFormFile).filter((file) => file !== undefined);
  if (files.length > 1) throw tooManyFiles(name, files.length);
  return files[0];
}

/** A form field as an UploadedFile; an empty file input (no file chosen) is no file. */
export function fromFormFile(value: FormDataEntryValue | null): UploadedFile | undefined {
  if (!value || typeof value === 'string') return undefined;
  // Next's server-action decoder names the empty part of an unused file input "undefined" (the browser sends filename="")
  if (value.size === 0 && (value.name === '' || value.name === 'undefined')) return undefined;
  return { size: value.size, name: value.name, read: async () => new Uint8Array(await value.arrayBuffer()) };
}
