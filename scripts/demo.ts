/**
 * `npm run demo`: everything on one machine with nothing installed by hand. Starts Redis and a
 * MongoDB-compatible store, the platform simulator (FY2564 data, accelerated clock), imports
 * the FY2564 record, starts the collector and a production build of the dashboard, and prints
 * the URL. Ctrl-C stops everything it started, in reverse order.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  freePort,
  isServiceError,
  isolatedDbUri,
  startDashboard,
  startServices,
  stopChildProcess,
} from '@reachline/dev-services';
import { startSimulator } from '@reachline/platform-sim';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import mongoose from 'mongoose';

const root = resolve(import.meta.dirname, '..');
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

/** A long-running child whose output lines are prefixed with its name. */
function startChild(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = root) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream: NodeJS.WritableStream) => (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout.on('data', prefix(process.stdout));
  child.stderr.on('data', prefix(process.stderr));
  return child;
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    say('stopped everything the demo started');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    say('starting Redis and the store…');
    const services = await startServices({ log: (line: string) => say(line) });
    cleanups.push(() => services.stop());
    const mongoUri = isolatedDbUri(services.mongoUri, 'reachline_demo');
    say(`store: ${services.mongoKind}, Redis: ${services.redisUrl}`);

    say('importing the FY2564 record (74 infographics)…');
    const conn = await mongoose.createConnection(mongoUri).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    const imported = await importFy2564(models);
    await conn.close();
    say(`imported ${imported.posts} posts, ${imported.passed} at or above 3,000`);

    const sim = await startSimulator({
      port: await freePort(4100),
      clock: { mode: 'accelerated', daySeconds: 60 },
      // Live mode: the office keeps publishing while the demo runs (some infographics, some
      // ordinary posts), so the collector has new posts to discover.
      live: { postsPerDay: 2, platforms: ['facebook', 'instagram', 'x', 'line'] },
    });
    cleanups.push(() => sim.close());
    say(
      `platform simulator: ${sim.url} (one simulated day per minute; 2 new posts a day on Facebook, Instagram, X and LINE)`,
    );

    const secrets = {
      SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString('hex'),
    };
    const appEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MONGODB_URI: mongoUri,
      REDIS_URL: services.redisUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      FACEBOOK_API_BASE: sim.baseUrls.facebook,
      INSTAGRAM_API_BASE: sim.baseUrls.instagram,
      X_API_BASE: sim.baseUrls.x,
      YOUTUBE_API_BASE: sim.baseUrls.youtube,
      TIKTOK_API_BASE: sim.baseUrls.tiktok,
      LINE_API_BASE: sim.baseUrls.line,
      ...secrets,
    };

    const collector = startChild(
      'collector',
      process.execPath,
      ['--import', 'tsx', 'apps/collector/src/main.ts'],
      appEnv,
    );
    cleanups.push(() => stopChildProcess(collector));

    say('building the dashboard (about 30 s)…');
    const dashboard = await startDashboard({
      env: { ...appEnv, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      port: Number(process.env.DASHBOARD_PORT ?? 3000),
      onOutput: (line) => process.stdout.write(`[dashboard] ${line}\n`),
    });
    cleanups.push(() => dashboard.stop());
    const url = dashboard.url;

    say('');
    say(`Reachline is running: ${url}`);
    say('Sign-in comes with the dashboard issue; this first page needs none.');
    say(`Platform simulator: ${sim.url}  (admin token ${sim.admin.token})`);
    say('Press Ctrl-C to stop everything.');
  } catch (err) {
    const message = isServiceError(err) ? err.message : (err as Error).message;
    process.stderr.write(`[demo] could not start: ${message}\n`);
    await stopAll(1);
  }
}

void main();
