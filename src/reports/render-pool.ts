/**
 * Score cards and certificates rendered on worker threads: a small pool, one worker per core
 * (os.availableParallelism()), each rendering one picture at a time with the same code as this
 * thread (picture-jobs.ts). `renderInOrder` keeps every worker busy with a bounded number of jobs in
 * flight and hands the results back in the order asked, so they are written to disk as they come
 * and the list of written files is the same as when rendered one after the other.
 *
 * How a worker loads the code: our sources are TypeScript run through tsx (bin/hhb.js requires
 * `tsx/cjs`); a worker thread does not inherit that hook, so it registers tsx/cjs itself, the same
 * way, before requiring render-worker.ts. That also works when the parent runs under jest's own
 * transform. Compiled to .js, the worker file is required as it is.
 *
 * When no worker can start here (its code fails to load), the pool renders in this thread instead:
 * the same pictures. `inThreadBecause` says why.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../domain/errors';
import { type PictureJob, renderPicture } from './picture-jobs';

export type { PictureJob } from './picture-jobs';

/** Parent → worker. */
export interface WorkerRequest {
  id: number;
  job: PictureJob;
}

/** Worker → parent: loaded, a job's bytes, or a job's error. */
export type WorkerReply =
  | { ready: true }
  | { id: number; ok: true; buffer: ArrayBuffer }
  | { id: number; ok: false; error: { message: string; code: string | null; details: unknown; stack: string | null } };

export interface PictureRenderer {
  render(job: PictureJob): Promise<Buffer>;
  /** Jobs rendered at the same time (workers, or 1 in this thread). */
  readonly parallel: number;
  /** Null while workers render; otherwise why the pictures are rendered in this thread. */
  readonly inThreadBecause: string | null;
  /** Stops the workers; jobs still pending are refused. */
  close(): Promise<void>;
}

/**
 * Jobs a worker holds at once (it renders them one at a time). More than one, so that a worker that
 * finishes a picture starts the next at once instead of waiting for this thread to answer and send
 * another: on a busy machine each hop between threads can wait several milliseconds for a core.
 */
const AHEAD = 3;

interface Pending {
  id: number;
  job: PictureJob;
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Sent to this worker and not answered yet. */
  busy: Map<number, Pending>;
}

function startWorker(): Worker {
  const ext = extname(__filename);
  const entry = join(__dirname, `render-worker${ext}`);
  if (ext !== '.ts') return new Worker(entry);
  const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true });
}

function errorFrom(reply: Extract<WorkerReply, { ok: false }>['error']): Error {
  const error = reply.code !== null ? new DomainError(reply.code, reply.message, reply.details ?? undefined) : new Error(reply.message);
  if (reply.stack) error.stack = reply.stack;
  return error;
}

/** Renders in this thread, one picture at a time. */
export function inThreadRenderer(because: string): PictureRenderer {
  return { render: renderPicture, parallel: 1, inThreadBecause: because, close: async () => {} };
}

/**
 * Starts `size` workers (default: one per core) with `start` (default: render-worker.ts loaded as
 * above). Jobs wait in a queue and go to the first ready worker with room; a worker that fails to
 * load makes the pool render in this thread.
 */
export function createRenderPool(size = availableParallelism(), start: () => Worker = startWorker): PictureRenderer {
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let inThreadBecause: string | null = null;
  let closed = false;

  const dispatch = (): void => {
    for (const slot of slots) {
      while (slot.ready && slot.busy.size < AHEAD) {
        const pending = queue.shift();
        if (!pending) return;
        slot.busy.set(pending.id, pending);
        slot.worker.postMessage({ id: pending.id, job: pending.job } satisfies WorkerRequest);
      }
    }
  };

  /** No worker can run here: every job sent to a worker or still queued renders in this thread. */
  const fallBack = (because: string): void => {
    inThreadBecause ??= because;
    const all = [...slots.flatMap((slot) => [...slot.busy.values()]), ...queue.splice(0)].sort((a, b) => a.id - b.id);
    for (const slot of slots.splice(0)) void slot.worker.terminate();
    for (const p of all) renderPicture(p.job).then(p.resolve, p.reject);
  };

  for (let i = 0; i < Math.max(1, size); i++) {
    let worker: Worker;
    try {
      worker = start();
    } catch (error) {
      fallBack(`无法启动渲染线程：${(error as Error).message}`);
      break;
    }
    const slot: Slot = { worker, ready: false, busy: new Map() };
    slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) {
        slot.ready = true;
      } else {
        const pending = slot.busy.get(reply.id);
        slot.busy.delete(reply.id);
        if (pending) {
          if (reply.ok) pending.resolve(Buffer.from(reply.buffer));
          else pending.reject(errorFrom(reply.error));
        }
      }
      dispatch();
    });
    const failed = (error: Error): void => {
      // Closed, or already let go when the pool fell back to this thread.
      if (closed || !slots.includes(slot)) return;
      if (!slot.ready) return fallBack(`渲染线程无法加载：${error.message}`);
      // A worker lost while rendering: its jobs fail, the others carry on.
      slots.splice(slots.indexOf(slot), 1);
      for (const p of slot.busy.values()) p.reject(error);
      slot.busy.clear();
      if (slots.length === 0) fallBack(`渲染线程全部退出：${error.message}`);
      else dispatch();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`渲染线程意外退出（退出码 ${code}）`)));
  }

  return {
    get parallel() {
      return inThreadBecause === null ? slots.length : 1;
    },
    get inThreadBecause() {
      return inThreadBecause;
    },
    render(job) {
      if (closed) return Promise.reject(new Error('渲染线程池已关闭'));
      if (inThreadBecause !== null) return renderPicture(job);
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const refused = new Error('渲染线程池已关闭');
      for (const p of queue.splice(0)) p.reject(refused);
      for (const slot of slots) for (const p of slot.busy.values()) p.reject(refused);
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * Renders `jobOf(item)` for every item, at most `(AHEAD + 1) × parallel` at a time, and calls `done`
 * with each result in the order of `items` (awaiting it before handing over the next one). The first
 * failure stops it; the jobs already in flight are left to the renderer's close.
 */
export async function renderInOrder<T>(
  renderer: PictureRenderer,
  items: readonly T[],
  jobOf: (item: T) => PictureJob,
  done: (item: T, bytes: Buffer) => Promise<void>,
): Promise<void> {
  const inFlight: { item: T; bytes: Promise<Buffer> }[] = [];
  let next = 0;
  while (next < items.length || inFlight.length > 0) {
    while (next < items.length && inFlight.length < (AHEAD + 1) * Math.max(1, renderer.parallel)) {
      const item = items[next++] as T;
      const bytes = renderer.render(jobOf(item));
      bytes.catch(() => {}); // awaited below, in order; a failure behind the first is not "unhandled"
      inFlight.push({ item, bytes });
    }
    const head = inFlight.shift();
    if (head) await done(head.item, await head.bytes);
  }
}
