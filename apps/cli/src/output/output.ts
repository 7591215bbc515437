import { JsonProgress } from './json-progress.js';
import type { ProgressTracker } from './progress-tracker.js';
import { TerminalProgress } from './terminal-progress.js';

/** A line of a command's result: what JSON mode prints as is, with the text a terminal shows. */
export type Event = { event: string } & Record<string, unknown>;

export interface ProgressDisplay {
  /** An event while the bar runs: a JSON line, or a text line above the bar. */
  note(event: Event, text: string): void;
  stop(): void;
}

/**
 * Where a command writes: JSON lines (one object a line, for scripts and logs) when
 * asked or when stdout is no terminal; text and a live progress bar on a terminal.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
  ) {}

  static forStdout(jsonRequested: boolean): Output {
    return new Output(jsonRequested || !process.stdout.isTTY);
  }

  /** One JSON line, or the text (nothing when the text is empty). */
  emit(event: Event, text: string): void {
    if (this.json) this.stdout.write(`${JSON.stringify(event)}\n`);
    else if (text !== '') this.stdout.write(`${text}\n`);
  }

  progress(title: string, tracker: ProgressTracker): ProgressDisplay {
    return this.json ? new JsonProgress(this, tracker) : new TerminalProgress(this.stdout, title, tracker);
  }
}
