// Limits on what a person or a program may send; next.config.ts, the proxy and the forms read these too.
const MB = 1024 * 1024;

export const MAX_SLICE_UPLOAD_BYTES = 10 * MB;
// A typical DICOM series (512 x 512 x 300 int16) is about 150 MB
export const MAX_VOLUME_UPLOAD_BYTES = 160 * MB;
// Multipart framing and the small fields around the files
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
// Against decompression bombs: sharp refuses to decode more pixels than this.
export const MAX_INPUT_PIXELS = 4096 * 4096;
export const MIN_IMAGE_SIDE = 32;
// Volumes: at most this many voxels, and this many bytes of them once unpacked (a 512 x 512 x 300 int16 series is 150 MB).
export const MAX_VOLUME_VOXELS = 512 * 512 * 320;
export const MAX_VOLUME_SIDE = 1024;
export const MAX_VOLUME_DECOMPRESSED_BYTES = 192 * MB;
// DICOM: files of one series (a 256 x 256 series at the voxel limit has 1,280 slices), one file's bytes (a 1024 x 1024
// int16 slice is 2 MB; the rest is room for headers), entries of a zip; a zip unpacks to at most MAX_VOLUME_DECOMPRESSED_BYTES.
export const MAX_DICOM_FILES = 2000;
export const MAX_DICOM_FILE_BYTES = 16 * MB;
export const MAX_ZIP_ENTRIES = 2500;
// Memory that admitted requests may hold at once (bodies, unpacked volumes, decoded pixels); beyond it, 503.
export const MEMORY_BUDGET_BYTES = Number(process.env.MEMORY_BUDGET_MB ?? 288) * MB;
// A body of declared length waits this long, unread, for room in the budget before the answer is 503.
export const ADMISSION_WAIT_MS = Number(process.env.ADMISSION_WAIT_S ?? 20) * 1000;
// Requests that may wait for the model at once; beyond this the server answers 503.
export const MAX_QUEUED_ANALYSES = 32;
export const RETRY_AFTER_SECONDS = 2;
// An upload that sends nothing for this long is cut off and its memory freed; a slow but moving one is not.
export const BODY_IDLE_TIMEOUT_MS = Number(process.env.BODY_IDLE_TIMEOUT_S ?? 30) * 1000;
