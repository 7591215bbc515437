const MiB = 1024 ** 2;

/** S3's smallest part (every part but the last), and what Directus uses for every part. */
export const MIN_PART_SIZE = 5 * MiB;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** S3's most parts in one multipart upload. */
export const MAX_PARTS = 10_000;
