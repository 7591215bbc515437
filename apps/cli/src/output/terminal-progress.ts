import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatBytes, formatSeconds } from './format.js';
import type { Event, ProgressDisplay } from './output.js';
import type { ProgressSnapshot, ProgressTracker } from './progress-tracker.js';

/** Redraws a second: enough for a rate, without flooding a slow terminal (ssh). */
const REDRAWS_PER_SECOND = 4;

/**
 * A live bar on the terminal (cli-progress): percentage of bytes, files, bytes, rate
 * and ETA; notes (failures) are printed above it.
 */
export class TerminalProgress implements ProgressDisplay {
  private readonly bars: MultiBar;
  private readonly bar: SingleBar;
  private readonly timer: NodeJS.Timeout;

  constructor(
    stream: NodeJS.WriteStream,
    title: string,
    private readonly tracker: ProgressTracker,
  ) {
    this.bars = new MultiBar(
      {
        stream,
        format: `${title} [{bar}] {percentage}% | {files} files | {bytes} | {rate} | ETA {eta_text}`,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        barsize: 24,
        fps: REDRAWS_PER_SECOND,
        // Our own ETA (by bytes over the last seconds) replaces cli-progress's (by value).
        etaBuffer: 1,
      },
      Presets.shades_classic,
    );
    const snapshot = tracker.snapshot();
    this.bar = this.bars.create(percentBase(snapshot), 0, payload(snapshot));
    this.timer = setInterval(() => this.redraw(), 1000 / REDRAWS_PER_SECOND);
    this.timer.unref();
  }

  note(_event: Event, text: string): void {
    if (text !== '') this.bars.log(`${text}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    this.redraw();
    // Renders once more, so that notes logged since the last redraw are not lost.
    this.bars.update();
    this.bars.stop();
  }

  private redraw(): void {
    const snapshot = this.tracker.snapshot();
    this.bar.setTotal(percentBase(snapshot));
    this.bar.update(percentDone(snapshot), payload(snapshot));
  }
}

/** Bytes when there are any, else files: a run of empty files still moves the bar. */
function percentBase(snapshot: ProgressSnapshot): number {
  return Math.max(1, snapshot.bytesTotal > 0 ? snapshot.bytesTotal : snapshot.filesTotal);
}

function percentDone(snapshot: ProgressSnapshot): number {
  // Every file done is 100%, a run of nothing included.
  if (snapshot.filesDone >= snapshot.filesTotal) return percentBase(snapshot);
  return snapshot.bytesTotal > 0 ? snapshot.bytesDone : snapshot.filesDone;
}

function payload(snapshot: ProgressSnapshot) {
  return {
    files: `${snapshot.filesDone}/${snapshot.filesTotal}`,
    bytes: `${formatBytes(snapshot.bytesDone)}/${formatBytes(snapshot.bytesTotal)}`,
    rate: `${formatBytes(snapshot.bytesPerSecond)}/s, ${snapshot.filesPerSecond.toFixed(1)} files/s`,
    eta_text: formatSeconds(snapshot.etaSeconds),
  };
}
