/**
 * A thread that hashes the content of uploads (SHA-256, hash-wasm) for ContentDigest,
 * off the thread that serves requests. One WebAssembly hasher serves every digest of
 * the thread: each digest is its saved state, loaded for an update and saved after it.
 * Runs as Node loads it, from the sources (type stripping) or from the build.
 */
import { parentPort } from 'node:worker_threads';
import { createSHA256 } from 'hash-wasm';

export type DigestRequest =
  | { op: 'start'; id: number; state?: Uint8Array }
  | { op: 'update'; id: number; bytes: Uint8Array }
  | { op: 'save' | 'hex'; id: number; reply: number }
  | { op: 'drop'; id: number };

export type DigestReply = { reply: number; value: Uint8Array | string } | { reply: number; error: string };

const port = parentPort!;
const hasher = await createSHA256();
/** The state of every digest after its last update; an error for a digest that cannot go on. */
const states = new Map<number, Uint8Array | Error>();

function answer(request: DigestRequest & { reply: number }): Uint8Array | string {
  const state = states.get(request.id);
  if (state === undefined) throw new Error('unknown digest');
  if (state instanceof Error) throw state;
  if (request.op === 'save') return state;
  states.delete(request.id);
  hasher.load(state);
  return hasher.digest('hex');
}

port.on('message', (request: DigestRequest) => {
  if (request.op === 'drop') return void states.delete(request.id);
  if (request.op === 'start') {
    try {
      if (request.state === undefined) hasher.init();
      else hasher.load(request.state);
      states.set(request.id, hasher.save());
    } catch (error) {
      states.set(request.id, error as Error);
    }
    return;
  }
  if (request.op === 'update') {
    const state = states.get(request.id);
    if (state === undefined || state instanceof Error) return;
    try {
      hasher.load(state);
      hasher.update(request.bytes);
      states.set(request.id, hasher.save());
    } catch (error) {
      states.set(request.id, error as Error);
    }
    return;
  }
  let reply: DigestReply;
  try {
    reply = { reply: request.reply, value: answer(request) };
  } catch (error) {
    reply = { reply: request.reply, error: (error as Error).message };
  }
  port.postMessage(reply);
});
