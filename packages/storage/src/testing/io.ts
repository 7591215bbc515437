import type { Driver, ReadOptions, WriteOptions } from '../driver.js';
import { streamOf, streamToBuffer } from './streams.js';

export function writeContent(
  driver: Driver,
  key: string,
  content: string | Buffer,
  options?: WriteOptions,
): Promise<void> {
  return driver.write(key, streamOf(content), options);
}

export async function readContent(driver: Driver, key: string, options?: ReadOptions): Promise<Buffer> {
  return streamToBuffer(await driver.read(key, options));
}

export async function readText(driver: Driver, key: string, options?: ReadOptions): Promise<string> {
  return (await readContent(driver, key, options)).toString();
}
