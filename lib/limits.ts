// Limits on what a person or a program may send; next.config.mjs and the forms read these too.
export const MAX_SLICE_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_VOLUME_UPLOAD_BYTES = 40 * 1024 * 1024;
// Against decompression bombs: sharp refuses to decode more pixels than this.
export const MAX_INPUT_PIXELS = 4096 * 4096;
export const MIN_IMAGE_SIDE = 32;
// Volumes: a gzip bomb stops at this many decompressed bytes, a huge grid at this many voxels.
export const MAX_VOLUME_DECOMPRESSED_BYTES = 256 * 1024 * 1024;
export const MAX_VOLUME_VOXELS = 512 * 512 * 400;
export const MAX_VOLUME_SIDE = 1024;
// Requests that may wait for the model at once; beyond this the server answers 503.
export const MAX_QUEUED_ANALYSES = 32;
export const RETRY_AFTER_SECONDS = 2;
