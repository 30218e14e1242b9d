/**
 * Throughput of the platform simulator for Facebook batch insight calls (50 items each), so
 * later benchmarks can show the simulator is not their bottleneck.
 *
 *   npx tsx bench/sim.ts [--requests 3000] [--concurrency 16] [--in-process]
 *
 * By default the simulator runs as a child process (scripts/sim.ts), so the load generator does
 * not steal its CPU; `--in-process` runs both in this process. Requests use fetch (undici) with
 * keep-alive. Prints requests/s, items/s and p50/p95/p99 latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startSimulator } from '@reachline/platform-sim';

interface Target {
  url: string;
  baseUrls: { facebook: string };
  accounts: { platform: string; accountId: string; token: string }[];
  admin: { token: string; url: string };
}

const SIM_ARGS = [
  '--port',
  '0',
  '--clock',
  'real',
  '--batch-null-rate',
  '0',
  '--fb-quota',
  '1000000000',
];

async function startChild(): Promise<{ target: Target; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/sim.ts', '--json', ...SIM_ARGS],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stdout = child.stdout;
  if (!stdout) throw new Error('no stdout from the simulator');
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${String(code)}`)));
  });
  return { target: JSON.parse(line) as Target, child };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '16' },
      'in-process': { type: 'boolean', default: false },
    },
  });
  const total = Number(values.requests);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    console.error('bench/sim: --requests and --concurrency must be positive integers.');
    process.exit(2);
  }
  let target: Target;
  let stop: () => Promise<void>;
  if (values['in-process']) {
    const sim = await startSimulator({
      clock: { mode: 'real' },
      faults: { batchNullRate: 0 },
      limits: { facebook: { callQuota: 1_000_000_000 } },
    });
    target = sim;
    stop = () => sim.close();
  } else {
    const { target: t, child } = await startChild();
    target = t;
    stop = () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
  }
  const fb = target.accounts.find((a) => a.platform === 'facebook');
  if (!fb) throw new Error('no Facebook account');
  const catalog = (await (
    await fetch(`${target.admin.url}/posts?platform=facebook&limit=100000`, {
      headers: { authorization: `Bearer ${target.admin.token}` },
    })
  ).json()) as { posts: { id: string }[] };
  const ids = catalog.posts.map((p) => p.id);
  const body = (k: number) => {
    const batch = Array.from({ length: 50 }, (_, i) => ({
      method: 'GET',
      relative_url: `${ids[(k * 50 + i) % ids.length]}/insights?metric=post_total_media_view_unique,post_media_view`,
    }));
    return new URLSearchParams({ access_token: fb.token, batch: JSON.stringify(batch) }).toString();
  };
  const url = `${target.baseUrls.facebook}/`;
  const one = async (k: number): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(k),
    });
    const items = (await res.json()) as { code: number }[];
    if (res.status !== 200 || items.length !== 50 || items.some((i) => i.code !== 200)) {
      throw new Error(
        `unexpected answer: HTTP ${res.status} ${JSON.stringify(items.find((i) => i.code !== 200)).slice(0, 300)}`,
      );
    }
    return performance.now() - t0;
  };
  const run = async (n: number): Promise<number[]> => {
    const lat: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) lat.push(await one(next++));
      }),
    );
    return lat;
  };
  await run(Math.min(200, total)); // warm-up
  const t0 = performance.now();
  const lat = await run(total);
  const secs = (performance.now() - t0) / 1000;
  await stop();
  lat.sort((a, b) => a - b);
  const r = {
    mode: values['in-process'] ? 'in-process' : 'child process',
    requests: total,
    concurrency,
    itemsPerRequest: 50,
    seconds: Number(secs.toFixed(2)),
    requestsPerSecond: Math.round(total / secs),
    itemsPerSecond: Math.round((total * 50) / secs),
    p50ms: Number(pct(lat, 50).toFixed(2)),
    p95ms: Number(pct(lat, 95).toFixed(2)),
    p99ms: Number(pct(lat, 99).toFixed(2)),
    node: process.version,
  };
  console.log(JSON.stringify(r, null, 2));
}

main().catch((err: unknown) => {
  console.error(`bench/sim: ${(err as Error).message}`);
  process.exit(1);
});
