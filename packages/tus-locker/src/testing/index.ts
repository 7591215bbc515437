export { describeLockerConformance } from './conformance.js';
export type { LockerConformanceOptions, LockerContext, LockerUnderTest } from './context.js';
export { ACQUIRE_BOUND, acquire, releaseRecorder, stillPending } from './context.js';
export { measureHandovers, measureLockCycles, type Timings } from './measure.js';
