import type { Event, Output, ProgressDisplay } from './output.js';
import type { ProgressSnapshot, ProgressTracker } from './progress-tracker.js';

/** Often enough to follow, rarely enough to keep a log of a long run small. */
const INTERVAL_MS = 1_000;

/** Progress as JSON lines: one `progress` event a second and a last one at the end. */
export class JsonProgress implements ProgressDisplay {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly output: Output,
    private readonly tracker: ProgressTracker,
  ) {
    this.timer = setInterval(() => this.report(), INTERVAL_MS);
    this.timer.unref();
  }

  note(event: Event, text: string): void {
    this.output.emit(event, text);
  }

  stop(): void {
    clearInterval(this.timer);
    this.report();
  }

  private report(): void {
    this.output.emit(progressEvent(this.tracker.snapshot()), '');
  }
}

export function progressEvent(snapshot: ProgressSnapshot): Event {
  return {
    event: 'progress',
    files_done: snapshot.filesDone,
    files_total: snapshot.filesTotal,
    bytes_done: snapshot.bytesDone,
    bytes_total: snapshot.bytesTotal,
    bytes_per_second: Math.round(snapshot.bytesPerSecond),
    files_per_second: Number(snapshot.filesPerSecond.toFixed(2)),
    eta_seconds: snapshot.etaSeconds === undefined ? null : Math.round(snapshot.etaSeconds),
    elapsed_seconds: Number(snapshot.elapsedSeconds.toFixed(1)),
  };
}
