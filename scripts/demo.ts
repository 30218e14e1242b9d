/**
 * `npm run demo`: everything on one machine with nothing installed by hand. Starts Redis and a
 * MongoDB-compatible store, the platform simulator (the FY2564 world, plus a live feed of new
 * posts from today on, one simulated day per minute), connects the simulator's six accounts the
 * way `accounts add` does, starts the collector (following the simulator's clock) and a
 * production build of the dashboard, and prints the URL. Nothing is imported: FY2564 and the
 * current year arrive through discovery and harvesting. Ctrl-C stops everything it started.
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
import { fiscalYearOf } from '@reachline/shared';
import { DEFAULT_PROJECT_ID, createModels, ensureIndexes } from '@reachline/shared/models';
import mongoose from 'mongoose';
import { addAccount } from '../apps/collector/src/accounts';

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

    const now = new Date();
    const sim = await startSimulator({
      port: await freePort(4100),
      clock: { mode: 'accelerated', daySeconds: 60, start: now.toISOString() },
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
    // The dashboard creates its first admin from these; the demo prints them at the end.
    const admin = {
      ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? 'admin@reachline.demo',
      ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? randomBytes(9).toString('base64url'),
    };

    // What an admin does once: the years' settings and the six connected accounts.
    const conn = await mongoose.createConnection(mongoUri).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    const rule = { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] };
    await models.KpiSettings.updateOne(
      { projectId: DEFAULT_PROJECT_ID, fiscalYear: 2564 },
      // FY2564 counts Facebook's number: the figure the office reported that year.
      { $setOnInsert: { fiscalYear: 2564, infographicRule: rule, countedPlatforms: ['facebook'] } },
      { upsert: true },
    );
    const currentYear = fiscalYearOf(now);
    await models.KpiSettings.updateOne(
      { projectId: DEFAULT_PROJECT_ID, fiscalYear: currentYear },
      { $setOnInsert: { fiscalYear: currentYear, infographicRule: rule, countedPlatforms: [] } },
      { upsert: true },
    );
    for (const a of sim.accounts) {
      await addAccount(models, secrets.TOKEN_ENCRYPTION_KEY, {
        platform: a.platform,
        externalId: a.accountId,
        displayName: a.name,
        token: a.token,
      });
    }
    await conn.close();
    say(`connected ${sim.accounts.length} simulator accounts (tokens sealed in the store)`);
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
      // The collector follows the simulator's clock, and ticks often because a day is a minute.
      COLLECTOR_CLOCK: `${sim.url}/_sim`,
      SIM_ADMIN_TOKEN: sim.admin.token,
      HARVEST_TICK_CRON: '*/5 * * * * *',
      DISCOVERY_CRON: '*/20 * * * * *',
      COLLECTOR_HTTP_PORT: String(await freePort(9464)),
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
      env: { ...appEnv, ...admin, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      port: Number(process.env.DASHBOARD_PORT ?? 3000),
      onOutput: (line) => process.stdout.write(`[dashboard] ${line}\n`),
    });
    cleanups.push(() => dashboard.stop());
    const url = dashboard.url;

    say('');
    say(`Reachline is running: ${url}`);
    say(`Sign in as ${admin.ADMIN_EMAIL} with the password ${admin.ADMIN_PASSWORD}`);
    say(
      `FY2564 fills in as the collector discovers and harvests it; FY${currentYear} (the default page) grows as new posts appear.`,
    );
    say(
      `Collector health and metrics: http://127.0.0.1:${appEnv.COLLECTOR_HTTP_PORT}/healthz, /metrics`,
    );
    say(`Platform simulator: ${sim.url}  (admin token ${sim.admin.token})`);
    say('Press Ctrl-C to stop everything.');
  } catch (err) {
    const message = isServiceError(err) ? err.message : (err as Error).message;
    process.stderr.write(`[demo] could not start: ${message}\n`);
    await stopAll(1);
  }
}

void main();
