/**
 * A worker thread of the render pool (render-pool.ts): renders the jobs it is sent one at a time, in
 * the order they came (the pool sends a few ahead, so the worker does not wait for the next), and
 * sends back the bytes (their memory moved, not copied) or the error. It says `ready` once its
 * modules are loaded, so the pool knows workers can run here at all.
 */
import { parentPort } from 'node:worker_threads';
import { DomainError } from '../domain/errors';
import { type PictureJob, renderPicture } from './picture-jobs';
import type { WorkerReply, WorkerRequest } from './render-pool';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs only as a worker thread');

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** Jobs sent ahead by the pool, rendered one at a time in the order they came. */
const queue: WorkerRequest[] = [];
let rendering = false;

port.on('message', (request: WorkerRequest) => {
  queue.push(request);
  void drain();
});

async function drain(): Promise<void> {
  if (rendering) return;
  rendering = true;
  try {
    for (let next = queue.shift(); next; next = queue.shift()) await render(next.id, next.job);
  } finally {
    rendering = false;
  }
}

async function render(id: number, job: PictureJob): Promise<void> {
  try {
    const bytes = await renderPicture(job);
    // A Buffer may be a view into a larger shared allocation (Node's pool of small buffers): move
    // only memory the picture owns whole, else a copy of it.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer = (whole ? bytes.buffer : new Uint8Array(bytes).buffer) as ArrayBuffer;
    reply({ id, ok: true, buffer }, [buffer]);
  } catch (thrown) {
    const e = thrown instanceof Error ? thrown : new Error(String(thrown));
    const error = { message: e.message, code: e instanceof DomainError ? e.code : null, details: e instanceof DomainError ? e.details : null, stack: e.stack ?? null };
    try {
      reply({ id, ok: false, error });
    } catch {
      reply({ id, ok: false, error: { ...error, details: null } }); // details that cannot be copied to the other thread
    }
  }
}

reply({ ready: true });
