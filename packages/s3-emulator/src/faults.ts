import type { S3Operation } from './operation.js';
import { S3Error } from './s3-error.js';

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** The operation to disturb, or `'*'` for any. */
  operation: S3Operation | '*';
  /** Only requests for this object key. */
  key?: string;
  /** Only UploadPart / UploadPartCopy requests for this part number. */
  partNumber?: number;
  /** Let the first `nth - 1` matching requests through, disturb from the nth on (default 1). */
  nth?: number;
  /** How many matching requests to disturb, consecutively (default 1); then the fault is gone. */
  times?: number;
}

/** What happens to a matched request. */
export type FaultEffect =
  /** 500 InternalError, as S3 answers now and then; the SDK retries it. */
  | { fault: 'internal-error' }
  /** 503 SlowDown (throttling); the SDK retries it. */
  | { fault: 'slow-down' }
  /** Any S3 error answer. */
  | { fault: 'error'; status: number; code: string; message?: string }
  /** The connection is reset (ECONNRESET) before any response byte, possibly while the body is being sent. */
  | { fault: 'reset' }
  /**
   * The response declares its full Content-Length but the connection closes after `afterBytes`
   * body bytes: the client must surface it as an error, never as a short body.
   */
  | { fault: 'truncate'; afterBytes: number }
  /** The request is handled normally after `ms` milliseconds. */
  | { fault: 'delay'; ms: number };

export type Fault = FaultMatch & FaultEffect;

/** An injected fault: how often it has fired, and a way to withdraw it early. */
export interface InjectedFault {
  readonly triggered: number;
  readonly exhausted: boolean;
  remove(): void;
}

interface RequestFacts {
  operation: S3Operation;
  key: string | undefined;
  partNumber: number | undefined;
}

class ArmedFault implements InjectedFault {
  triggered = 0;
  private seen = 0;

  constructor(
    readonly fault: Fault,
    private readonly faults: Set<ArmedFault>,
  ) {}

  get exhausted(): boolean {
    return this.triggered >= (this.fault.times ?? 1);
  }

  remove(): void {
    this.faults.delete(this);
  }

  matches(request: RequestFacts): boolean {
    const { operation, key, partNumber } = this.fault;
    if (operation !== '*' && operation !== request.operation) return false;
    if (key !== undefined && key !== request.key) return false;
    return partNumber === undefined || partNumber === request.partNumber;
  }

  /** Counts a matching request; true when this fault disturbs it (only one fault may). */
  fires(mayFire: boolean): boolean {
    this.seen += 1;
    if (!mayFire || this.seen < (this.fault.nth ?? 1)) return false;
    this.triggered += 1;
    if (this.exhausted) this.remove();
    return true;
  }
}

/** The faults waiting for their requests, in injection order. */
export class FaultPlan {
  private readonly faults = new Set<ArmedFault>();

  inject(fault: Fault): InjectedFault {
    const armed = new ArmedFault(fault, this.faults);
    this.faults.add(armed);
    return armed;
  }

  clear(): void {
    this.faults.clear();
  }

  /** The fault that disturbs this request, if any; every matching fault counts it towards its `nth`. */
  take(request: RequestFacts): FaultEffect | undefined {
    let effect: FaultEffect | undefined;
    for (const armed of [...this.faults]) {
      if (armed.matches(request) && armed.fires(effect === undefined)) effect = armed.fault;
    }
    return effect;
  }
}

/** The S3 error an error fault answers with. */
export function errorOf(fault: FaultEffect | undefined): S3Error | undefined {
  switch (fault?.fault) {
    case 'internal-error':
      return new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
    case 'slow-down':
      return new S3Error(503, 'SlowDown', 'Please reduce your request rate.');
    case 'error':
      return new S3Error(fault.status, fault.code, fault.message ?? fault.code);
    default:
      return undefined;
  }
}
