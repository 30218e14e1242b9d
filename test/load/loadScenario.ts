/**
 * Load (issue 10, 6): C concurrent dashboard clients for S seconds, from a second process, while
 * a real collector process harvests the world's N posts into the same store and the dashboard
 * follows its events. Every request must be answered 200; p50/p95/p99 per route are printed; the
 * harvest must still end with one snapshot per post.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchBrowser, signInCookie, startTestDashboard } from '../helpers/dashboard';
import type { TestDatabase } from '../helpers/services';
import {
  census,
  CollectorProcess,
  collectorEnv,
  CycleProbe,
  say,
  waitFinished,
  type Census,
  type World,
} from '../faults/harness';
import type { LoadRequest, RouteFigures } from './loadClient';

export interface LoadRun {
  routes: RouteFigures[];
  /** Snapshots stored while the load ran (the harvest went on under it). */
  harvestedDuringLoad: number;
  census: Census;
  serverPeakRssMb: number;
}

function runClients(req: LoadRequest): Promise<RouteFigures[]> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(import.meta.dirname, 'loadClient.ts'), [JSON.stringify(req)], {
      execArgv: ['--import', 'tsx'],
    });
    child.once('message', (m) => resolvePromise(m as RouteFigures[]));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load client exited with ${code}`));
    });
  });
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

export async function runLoadScenario(
  db: TestDatabase,
  world: World,
  opts: { clients: number; seconds: number; fiscalYear: number },
): Promise<LoadRun> {
  const dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  const browser = await launchBrowser();
  const collector = new CollectorProcess(
    'load',
    collectorEnv(world, db.mongoUri, db.redisUrl, db.prefix),
  );
  const probe = new CycleProbe(db.redisUrl, db.prefix);
  try {
    const cookie = await signInCookie(browser, dashboard.url);
    const story = await world.c.models.Story.findOne({}, { _id: 1 }).lean();
    const fy = `fy=${opts.fiscalYear}`;
    const paths = [
      `/?${fy}`,
      `/stories?${fy}`,
      `/stories?${fy}&status=passed&q=${encodeURIComponent('อินโฟกราฟิก')}`,
      `/stories/${String(story!._id)}`,
      `/api/v1/kpi?${fy}`,
      `/api/v1/stories?${fy}&page=2`,
    ];
    // Warm: one request per route (first renders compile nothing in production, but load the
    // read model and the caches), answered 200 before the clock starts.
    for (const p of paths) {
      const res = await fetch(`${dashboard.url}${p}`, { headers: { cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`warm-up: ${p} answered ${res.status}`);
    }
    await collector.start();
    const before = await world.c.models.ReachSnapshot.estimatedDocumentCount();
    const routes = await runClients({
      url: dashboard.url,
      cookie,
      paths,
      clients: opts.clients,
      seconds: opts.seconds,
    });
    const after = await world.c.models.ReachSnapshot.estimatedDocumentCount();
    const serverPeakRssMb = peakRssMb(dashboard.process.pid);
    await waitFinished(probe, 3_600_000, 'load harvest');
    await collector.stop();
    const run: LoadRun = {
      routes,
      harvestedDuringLoad: after - before,
      census: await census(world.c.models),
      serverPeakRssMb,
    };
    say(
      `load: ${opts.clients} clients × ${opts.seconds} s, ${run.harvestedDuringLoad} snapshots stored during it, server peak RSS ${serverPeakRssMb} MB`,
    );
    say('| route | requests | failed | p50 ms | p95 ms | p99 ms | max ms |');
    for (const r of routes)
      say(
        `| ${r.path} | ${r.requests} | ${r.failed}${r.failed ? ` ${JSON.stringify(r.failures)}` : ''} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} |`,
      );
    return run;
  } finally {
    await collector.kill9();
    await probe.close();
    await browser.close();
    await dashboard.stop();
  }
}
