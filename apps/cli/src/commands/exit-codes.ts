/** What the process answers, for scripts: 0 all done, 1 something failed or needs attention. */
export enum ExitCode {
  Ok = 0,
  /** A file failed, a check found a problem, a location is unhealthy. */
  Failed = 1,
  /** A wrong option or configuration: nothing was done. */
  Usage = 2,
  /** Stopped by SIGINT/SIGTERM after finishing the files in flight. */
  Interrupted = 130,
}

/** A mistake in the command line: reported in one line, exit code 2, nothing done. */
export class UsageError extends Error {
  override name = 'UsageError';
}
