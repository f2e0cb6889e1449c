/**
 * GETs at a fixed rate on a worker thread of their own, until stopped: the read load has its
 * own event loop, so what it measures is the gateway's answer time, not how late the bench's
 * main thread (signing, gRPC submissions, bookkeeping) ran its timers. k6 likewise runs its
 * virtual users apart from anything else.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openLoop, type OpenLoopResult } from './open-loop';

interface ReadLoadInput {
  base: string;
  token: string;
  paths: string[];
  rate: number;
}

export interface ReadLoad {
  stop(): Promise<OpenLoopResult>;
}

/** GETs of `paths` in turn at `rate` per second (latencies from the intended start). */
export function startReadLoad(input: ReadLoadInput): ReadLoad {
  const worker = new Worker(__filename, { workerData: input });
  const result = new Promise<OpenLoopResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`read load exited with ${code}`)));
  });
  return {
    stop() {
      worker.postMessage('stop');
      return result;
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { base, token, paths, rate } = workerData as ReadLoadInput;
  let stopped = false;
  port.once('message', () => (stopped = true));
  void openLoop({
    rate,
    seconds: Infinity,
    stopped: () => stopped,
    task: async (i) => {
      const res = await fetch(`${base}${paths[i % paths.length] as string}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${res.status}`);
    },
  }).then((result) => {
    port.postMessage(result);
    port.close();
  });
}
