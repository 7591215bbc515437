/** An S3 error answer: the emulator throws these, the dispatcher renders them as S3 error XML. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra headers (Content-Range on InvalidRange, say). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`);
export const noSuchKey = (key: string) =>
  new S3Error(404, 'NoSuchKey', `The specified key does not exist: ${key}`);
export const noSuchUpload = (uploadId: string) =>
  new S3Error(404, 'NoSuchUpload', `The specified upload does not exist: ${uploadId}`);
export const invalidArgument = (message: string) => new S3Error(400, 'InvalidArgument', message);
export const notImplemented = (message: string) => new S3Error(501, 'NotImplemented', message);
