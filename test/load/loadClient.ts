/**
 * The load generator of the load tests, run as a child process of its own (so it does not share
 * the test's CPU time slice): `clients` closed-loop clients over keep-alive connections, each
 * taking the next route in turn for `seconds`, every request timed on its own. Sends the result
 * per route to the parent over IPC.
 */
export interface LoadRequest {
  url: string;
  cookie: string;
  paths: string[];
  clients: number;
  seconds: number;
}

export interface RouteFigures {
  path: string;
  requests: number;
  /** Answers other than 200, and requests that got no answer, with a count per reason. */
  failed: number;
  failures: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2]!) as LoadRequest;
  const latencies = new Map<string, number[]>(req.paths.map((p) => [p, []]));
  const failures = new Map<string, Record<string, number>>(req.paths.map((p) => [p, {}]));
  let next = 0;
  const deadline = Date.now() + req.seconds * 1000;
  const loop = async () => {
    while (Date.now() < deadline) {
      const path = req.paths[next++ % req.paths.length]!;
      const t0 = performance.now();
      let reason: string | null = null;
      try {
        const res = await fetch(`${req.url}${path}`, {
          headers: { cookie: req.cookie },
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        if (res.status !== 200) reason = `HTTP ${res.status}`;
      } catch (err) {
        reason = (err as Error).name;
      }
      latencies.get(path)!.push(performance.now() - t0);
      if (reason) {
        const f = failures.get(path)!;
        f[reason] = (f[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: req.clients }, loop));
  const result: RouteFigures[] = req.paths.map((path) => {
    const sorted = latencies.get(path)!.sort((a, b) => a - b);
    const q = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    const f = failures.get(path)!;
    return {
      path,
      requests: sorted.length,
      failed: Object.values(f).reduce((a, b) => a + b, 0),
      failures: f,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      max: sorted.at(-1) ?? NaN,
    };
  });
  process.send!(result);
}

main().catch((err: unknown) => {
  process.stderr.write(`load client: ${(err as Error).message}\n`);
  process.exit(1);
});
