/** Where a run of many files stands: what a progress bar or a JSON progress line shows. */
export interface ProgressSnapshot {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds (0 before there is anything to go by). */
  bytesPerSecond: number;
  filesPerSecond: number;
  /** Seconds left at the current rate; undefined while it cannot be told. */
  etaSeconds: number | undefined;
  elapsedSeconds: number;
}

/** How far back the rate looks: long enough to smooth bursts, short enough to follow a change of pace. */
const RATE_WINDOW_MS = 5_000;

/**
 * Counts files and bytes as they are processed. Bytes of a file in flight count as they
 * pass; once the file is done (or failed) it counts exactly its size, so that a failed
 * or short read does not leave the total forever out of reach.
 */
export class ProgressTracker {
  private filesDone = 0;
  private bytesDone = 0;
  private readonly startedAt = Date.now();
  private readonly samples: { at: number; bytes: number; files: number }[] = [];

  constructor(
    private filesTotal: number,
    private bytesTotal: number,
  ) {}

  /** The exact totals, once known (a sample drawn to its end). */
  settleTotals(files: number, bytes: number): void {
    this.filesTotal = files;
    this.bytesTotal = bytes;
  }

  /** A file being processed: its bytes as they pass, then its end. */
  startFile(size: number): { bytes(count: number): void; done(): void } {
    let counted = 0;
    return {
      bytes: (count) => {
        // A retried read may pass the same bytes again: never count past the file's size.
        const add = Math.min(count, Math.max(0, size - counted));
        counted += add;
        this.bytesDone += add;
      },
      done: () => {
        this.bytesDone += size - counted;
        counted = size;
        this.filesDone += 1;
      },
    };
  }

  snapshot(now = Date.now()): ProgressSnapshot {
    this.samples.push({ at: now, bytes: this.bytesDone, files: this.filesDone });
    while (this.samples.length > 2 && now - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    const bytesPerSecond = seconds > 0 ? (this.bytesDone - first.bytes) / seconds : 0;
    const filesPerSecond = seconds > 0 ? (this.filesDone - first.files) / seconds : 0;
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond,
      filesPerSecond,
      etaSeconds: this.eta(bytesPerSecond, filesPerSecond),
      elapsedSeconds: (now - this.startedAt) / 1000,
    };
  }

  /** By bytes when they move; by files when the files are empty or the bytes are all done. */
  private eta(bytesPerSecond: number, filesPerSecond: number): number | undefined {
    if (this.filesDone >= this.filesTotal) return 0;
    const bytesLeft = this.bytesTotal - this.bytesDone;
    if (bytesLeft > 0 && bytesPerSecond > 0) return bytesLeft / bytesPerSecond;
    if (filesPerSecond > 0) return (this.filesTotal - this.filesDone) / filesPerSecond;
    return undefined;
  }
}
