export type { DriverUnderTest } from './conformance.js';
export { describeDriverConformance } from './conformance.js';
export type { ConformanceContext, ConformanceOptions } from './context.js';
export { readContent, readText, writeContent } from './io.js';
export { compareKeys, forEachConcurrently, listAll, sortKeys, uniquePrefix } from './listing.js';
export { spawnTypeScript, typeScriptExecArgv } from './processes.js';
export {
  failingStream,
  randomBuffer,
  randomStream,
  sha256OfStream,
  streamOf,
  streamToBuffer,
} from './streams.js';
