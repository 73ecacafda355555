import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * zxcvbn's estimate takes 0.1–0.5 s of CPU for some passwords: on the request thread it would hold up every
 * other request of the process meanwhile. It runs here instead, on a small pool of worker threads, each of which
 * builds the dictionaries once (half a second) on first use.
 *
 * The worker is plain CommonJS given as source (`eval`), with the packages' paths resolved here: the same code
 * then runs from the TypeScript sources under jest and from the build in dist/, with no file of its own to
 * compile, copy or find.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const load = (name) => require(workerData.modules[name]);
const { ZxcvbnFactory } = load('core');
const common = load('common');
const factory = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...load('en').dictionary, ...load('de').dictionary },
  graphs: common.adjacencyGraphs,
  translations: load('en').translations,
  maxLength: workerData.maxLength,
  l33tMaxSubstitutions: workerData.l33tMaxSubstitutions,
});
parentPort.on('message', ({ id, password, words }) => {
  try {
    parentPort.postMessage({ id, score: factory.check(password, words).score });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

const resolve = createRequire(import.meta.url).resolve;
const MODULES = {
  core: resolve('@zxcvbn-ts/core'),
  common: resolve('@zxcvbn-ts/language-common'),
  en: resolve('@zxcvbn-ts/language-en'),
  de: resolve('@zxcvbn-ts/language-de'),
};

export interface EstimatorOptions {
  /** Only the first characters are estimated: past this a password is long enough, and the cost stays flat. */
  maxLength: number;
  /** The library's default (100) makes a check of a long random password take a second of CPU. */
  l33tMaxSubstitutions: number;
}

interface Pending {
  resolve: (score: number) => void;
  reject: (err: Error) => void;
}

/** One worker thread and the estimates it owes; idle, it does not keep the process alive. */
class StrengthWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(options: EstimatorOptions, onExit: () => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules: MODULES, ...options } });
    this.worker.unref();
    this.worker.on('message', ({ id, score, error }: { id: number; score?: number; error?: string }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (!this.pending.size) this.worker.unref();
      if (error !== undefined || score === undefined) job?.reject(new Error(`password strength estimate failed: ${error}`));
      else job?.resolve(score);
    });
    const fail = (err: Error) => {
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
      onExit();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`password strength worker exited (${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  score(password: string, words: readonly string[]): Promise<number> {
    const id = this.nextId++;
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, password, words: [...words] });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Estimates on the least busy of `size` workers, started when first needed; a worker that dies is replaced. */
export class StrengthWorkers {
  private readonly workers: (StrengthWorker | undefined)[];

  constructor(
    private readonly options: EstimatorOptions,
    size: number,
  ) {
    this.workers = Array.from({ length: size }, () => undefined);
  }

  score(password: string, words: readonly string[]): Promise<number> {
    return this.pick().score(password, words);
  }

  async close(): Promise<void> {
    const running = this.workers.filter((w): w is StrengthWorker => Boolean(w));
    this.workers.fill(undefined);
    await Promise.all(running.map((w) => w.terminate()));
  }

  private pick(): StrengthWorker {
    const free = this.workers.findIndex((w) => !w || w.load === 0);
    const index = free >= 0 ? free : this.workers.reduce((best, w, i) => (w!.load < this.workers[best]!.load ? i : best), 0);
    const worker = this.workers[index] ?? this.start(index);
    return worker;
  }

  private start(index: number): StrengthWorker {
    const worker: StrengthWorker = new StrengthWorker(this.options, () => {
      if (this.workers[index] === worker) this.workers[index] = undefined;
    });
    this.workers[index] = worker;
    return worker;
  }
}
