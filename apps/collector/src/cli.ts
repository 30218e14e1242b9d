/**
 * `npm run collector -- <command>`: the collector's command line.
 *
 *   start                                   run the collector (what the container runs)
 *   harvest-now [--platform P] [--post ID]  harvest now, wait, print what was read
 *   backfill --since YYYY-MM-DD             re-list every account from a date and harvest it all
 *   status                                  queues, last runs, accounts and tokens, next harvests
 *   accounts add|list|remove                connected accounts (a token is sealed, never shown)
 *   report --month YYYY-MM [--project S] [--page [--as-of D]] [--format txt|docx --out FILE]
 *                                           the month's entry (or the whole project page)
 *   backup --out FILE                       a compressed copy of the whole store (queues paused)
 *   restore --in FILE                       a backup back into an empty store (docs/BACKUP.md)
 *
 * Bad flags get one usage line and exit 2, and so do a bad backup file and a restore into a
 * store that is not empty; start-up problems one sentence and exit 1.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { PLATFORMS, periodOfMonthKey, type Platform } from '@reachline/shared';
import { ConfigError, loadConfig } from '@reachline/shared/config';
import {
  accountObjectId,
  createModels,
  DEFAULT_PROJECT_ID,
  ensureIndexes,
  findByIds,
  postObjectId,
  type ReachlineModels,
  reportObjectId,
} from '@reachline/shared/models';
import {
  backupStore,
  BackupFileError,
  buildProjectPage,
  reportDocx,
  reportText,
  restoreStore,
  RestoreRefusedError,
  type BackupProgress,
  type BackupWriters,
} from '@reachline/shared/store';
import { Queue } from 'bullmq';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { Types } from 'mongoose';
import { addAccount } from './accounts';
import { systemClock } from './clock';
import { StartupError, connectRedis, connectStore } from './connect';
import { createLogger } from './log';
import { postsHarvested } from './ops/metrics';
import { DISCOVERY_QUEUE, HARVEST_QUEUE } from './pipeline/pipeline';
import { createRuntime, type Runtime } from './pipeline/runtime';

export class UsageError extends Error {
  override name = 'UsageError';
}

const platformOption = (flags: string, what: string) => new Option(flags, what).choices(PLATFORMS);

function parseDate(value: string): Date {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(new Date(`${value}T00:00:00+07:00`).getTime())
  )
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD (Bangkok time).');
  return new Date(`${value}T00:00:00+07:00`);
}

function parseMonth(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
    throw new InvalidArgumentError('expected a month as YYYY-MM, such as 2021-06.');
  return value;
}

type Out = (line: string) => void;

/** The entry of `month` as filed (editor's text, else generated), or the project page. */
async function reportTextFor(
  models: ReachlineModels,
  opts: { month: string; project?: string; page?: boolean; asOf?: Date },
): Promise<string> {
  const projects = await models.Project.find({}).sort({ order: 1, slug: 1 }).lean();
  const project = opts.project
    ? projects.find((p) => p.slug === opts.project)
    : (projects[0] ?? { _id: DEFAULT_PROJECT_ID, slug: 'infographics' });
  if (!project)
    throw new UsageError(
      `no project "${opts.project}"; projects: ${projects.map((p) => p.slug).join(', ') || 'none'}.`,
    );
  const { fiscalYear } = periodOfMonthKey(opts.month);
  if (opts.page) return buildProjectPage(models, project._id, fiscalYear, opts.asOf ?? new Date());
  const report = await models.Report.findById(reportObjectId(project._id, opts.month)).lean();
  if (!report)
    throw new UsageError(
      `no report for ${opts.month} yet: the collector writes it at 23:00 on the month's last day.`,
    );
  return reportText(report);
}

/** Connections and the runtime for one command; closed when the command ends. */
async function withRuntime<T>(
  work: boolean,
  fn: (rt: Runtime, models: ReachlineModels) => Promise<T>,
): Promise<T> {
  const config = loadConfig(process.env, {
    require: ['MONGODB_URI', 'REDIS_URL', 'TOKEN_ENCRYPTION_KEY'],
  });
  const store = await connectStore(config.MONGODB_URI);
  try {
    const redis = await connectRedis(config.REDIS_URL);
    try {
      const models = createModels(store);
      await ensureIndexes(models);
      const rt = await createRuntime({
        models,
        redis,
        bullConnection: redis,
        prefix: config.QUEUE_PREFIX,
        clock: systemClock,
        apiBases: config,
        tokenKey: config.TOKEN_ENCRYPTION_KEY,
        log: createLogger(config.LOG_LEVEL === 'debug' ? 'debug' : 'warn', {
          service: 'collector-cli',
        }),
        concurrency: config.COLLECTOR_CONCURRENCY,
        work,
      });
      try {
        return await fn(rt, models);
      } finally {
        await rt.close();
      }
    } finally {
      redis.disconnect();
    }
  } finally {
    await store.close();
  }
}

/** Reads a token without echoing it (TTY) or from piped standard input. */
async function readToken(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let data = '';
    for await (const chunk of stdin) data += String(chunk);
    return data.trim();
  }
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  process.stderr.write(prompt);
  const rl = createInterface({ input: stdin, output: muted, terminal: true });
  const token = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return token.trim();
}

/** A post given as its store id or as the platform's id (with --platform). */
function postIdOf(post: string, platform: Platform | undefined): Types.ObjectId {
  if (/^[0-9a-f]{24}$/.test(post)) return new Types.ObjectId(post);
  if (!platform) throw new UsageError('--post with a platform post id needs --platform as well.');
  return postObjectId(platform, post);
}

async function harvestNow(
  rt: Runtime,
  models: ReachlineModels,
  opts: { platform?: Platform; post?: string },
  out: Out,
): Promise<void> {
  const now = rt.ctx.clock.now();
  const filter: Record<string, unknown> = opts.post
    ? { _id: postIdOf(opts.post, opts.platform) }
    : { storyId: { $ne: null }, ...(opts.platform ? { platform: opts.platform } : {}) };
  // An operator's command: one pass over the posts is fine here, never on the hot path.
  const posts = await models.Post.find(filter, { accountId: 1, externalId: 1 }).lean();
  if (posts.length === 0) throw new UsageError('no post matches: nothing to harvest.');
  await rt.ctx.schedule.set(
    posts.map((p) => ({
      accountId: String(p.accountId),
      postId: String(p._id),
      externalId: p.externalId,
      at: now,
    })),
  );
  const tick = await rt.pipeline.tickHarvest();
  out(`harvesting ${tick.claimed} post(s) in ${tick.jobs} job(s)…`);
  await rt.pipeline.drain(30 * 60_000);
  const fresh = await findByIds(
    models.Post,
    posts.map((p) => p._id),
  );
  const read = [...fresh.values()].filter((p) => p.lastHarvestAt && p.lastHarvestAt >= now).length;
  out(
    `done: ${read} of ${posts.length} post(s) read now; the rest are paused, throttled or failed (see "status").`,
  );
}

async function backfill(
  rt: Runtime,
  models: ReachlineModels,
  since: Date,
  out: Out,
): Promise<void> {
  const accounts = await models.Account.find({ enabled: true, tokenStatus: 'ok' }).lean();
  if (accounts.length === 0)
    throw new UsageError('no enabled account with a working token: add one with "accounts add".');
  await models.Account.updateMany(
    { _id: { $in: accounts.map((a) => a._id) } },
    { $set: { discoveryCursor: since.toISOString() } },
  );
  const bar = new SingleBar({
    format: '{phase} [{bar}] {value}/{total}',
    stream: process.stderr,
    hideCursor: true,
  });
  const finished = async () => {
    const c = await rt.pipeline.discoveryQueue.getJobCounts('completed', 'failed');
    return (c.completed ?? 0) + (c.failed ?? 0);
  };
  const finishedBefore = await finished();
  bar.start(accounts.length, 0, { phase: 'discovery' });
  await rt.pipeline.tickDiscovery();
  while ((await rt.pipeline.pending()) > 0) {
    bar.update(Math.min(accounts.length, (await finished()) - finishedBefore));
    await new Promise((r) => setTimeout(r, 250));
  }
  bar.update(accounts.length);
  const due = await rt.ctx.schedule.dueCount(rt.ctx.clock.now());
  bar.setTotal(Math.max(due, 1));
  bar.update(0, { phase: 'harvest  ' });
  const before = await harvestedSoFar();
  await rt.pipeline.tickHarvest();
  while ((await rt.pipeline.pending()) > 0) {
    bar.update(Math.min(due, (await harvestedSoFar()) - before));
    await new Promise((r) => setTimeout(r, 250));
  }
  bar.update(due);
  bar.stop();
  out(
    `backfill done: ${accounts.length} account(s) listed since ${since.toISOString().slice(0, 10)}, ${due} post(s) harvested.`,
  );
}

/** Posts harvested so far by this process (the Prometheus counter's total). */
async function harvestedSoFar(): Promise<number> {
  const m = await postsHarvested.get();
  return m.values.reduce((sum, v) => sum + v.value, 0);
}

/** How long a backup waits for running collector jobs to finish after pausing the queues. */
const QUIET_WAIT_MS = 5 * 60_000;

/**
 * Runs `fn` with the collector's discovery and harvest queues paused (BullMQ's global pause,
 * under QUEUE_PREFIX) and no job running, then resumes the queues that were not paused before,
 * even when `fn` fails. Without REDIS_URL nothing can be paused, and the note says so.
 */
async function withCollectorPaused<T>(
  redisUrl: string | undefined,
  prefix: string,
  fn: (writers: BackupWriters) => Promise<T>,
): Promise<T> {
  if (!redisUrl)
    return fn({
      paused: false,
      note: "REDIS_URL was not set, so the collector's queues were not paused while the store was read.",
    });
  const redis = await connectRedis(redisUrl);
  const queues = [HARVEST_QUEUE, DISCOVERY_QUEUE].map(
    (name) => new Queue(name, { connection: redis, prefix }),
  );
  const pausedBefore = await Promise.all(queues.map((q) => q.isPaused()));
  try {
    await Promise.all(queues.map((q) => q.pause()));
    const deadline = Date.now() + QUIET_WAIT_MS;
    for (;;) {
      const running = (await Promise.all(queues.map((q) => q.getActiveCount()))).reduce(
        (a, b) => a + b,
        0,
      );
      if (running === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `${running} collector job(s) still running ${QUIET_WAIT_MS / 60_000} minutes after pausing the queues: try the backup again later.`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    return await fn({
      paused: true,
      note: `the collector's discovery and harvest queues (prefix ${prefix}) were paused and idle while the store was read; the dashboard was not paused.`,
    });
  } finally {
    for (const [i, q] of queues.entries()) {
      if (!pausedBefore[i]) await q.resume().catch(() => undefined);
      await q.close().catch(() => undefined);
    }
    redis.disconnect();
  }
}

const PHASES: Record<BackupProgress['phase'], string> = {
  read: 'reading ',
  check: 'checking',
  write: 'writing ',
};

/** A progress bar on a terminal's standard error (cli-progress draws nothing elsewhere). */
function progressBar(): { update: (p: BackupProgress) => void; stop: () => void } {
  const bar = new SingleBar({
    format: '{phase} [{bar}] {value}/{total} documents',
    stream: process.stderr,
    hideCursor: true,
  });
  let phase: BackupProgress['phase'] | undefined;
  return {
    update: (p) => {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: PHASES[p.phase] });
      } else {
        bar.setTotal(p.total);
        bar.update(p.done);
      }
    },
    stop: () => bar.stop(),
  };
}

function collectorVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return `reachline-collector ${pkg.version ?? 'unknown'}`;
}

async function backup(file: string, out: Out): Promise<void> {
  if (existsSync(file))
    throw new UsageError(`${file} already exists: choose a new file name or remove it first.`);
  if (existsSync(`${file}.partial`))
    throw new UsageError(
      `${file}.partial exists: another backup is writing it or one was cut off; remove it first.`,
    );
  const config = loadConfig(process.env, { require: ['MONGODB_URI'] });
  const store = await connectStore(config.MONGODB_URI);
  const bar = progressBar();
  try {
    const summary = await withCollectorPaused(config.REDIS_URL, config.QUEUE_PREFIX, (writers) =>
      backupStore(store, file, { app: collectorVersion(), writers, onProgress: bar.update }),
    );
    bar.stop();
    const { counts } = summary.trailer;
    const documents = Object.values(counts).reduce((a, b) => a + b, 0);
    const mb = (statSync(file).size / 1e6).toFixed(1);
    out(
      `backup written to ${file}: ${documents} document(s) in ${Object.keys(counts).length} collection(s), ${mb} MB; ${summary.header.writers.note}`,
    );
  } catch (err) {
    bar.stop();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new UsageError(
        `cannot write ${file} (${code}): check the folder exists and is writable.`,
      );
    throw err;
  } finally {
    await store.close();
  }
}

async function restore(file: string, out: Out): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`cannot read ${file}: no such file.`);
  const config = loadConfig(process.env, { require: ['MONGODB_URI'] });
  const store = await connectStore(config.MONGODB_URI);
  const bar = progressBar();
  try {
    const r = await restoreStore(store, file, { onProgress: bar.update });
    bar.stop();
    out(
      `restored ${r.documents} document(s) in ${Object.keys(r.counts).length} collection(s) and ${r.indexes} index(es) from the backup of ${r.header.database} taken ${r.header.createdAt}; the collector rebuilds its harvest schedule from the store when it starts.`,
    );
  } catch (err) {
    bar.stop();
    if (err instanceof BackupFileError || err instanceof RestoreRefusedError)
      throw new UsageError(`${err.message.replace(/\.$/, '')}; nothing was written.`);
    throw err;
  } finally {
    await store.close();
  }
}

async function status(rt: Runtime, models: ReachlineModels, out: Out): Promise<void> {
  const { pipeline, ctx } = rt;
  out('queues');
  for (const q of [pipeline.discoveryQueue, pipeline.harvestQueue]) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    out(
      `  ${q.name.padEnd(10)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  failed ${c.failed}  completed ${c.completed}`,
    );
    for (const job of await q.getFailed(0, 2)) {
      out(`    failed ${job.id}: ${(job.failedReason ?? '').split('\n')[0]}`);
    }
  }
  const now = ctx.clock.now();
  out(
    `schedule: ${await ctx.schedule.dueCount(now)} due now, ${await ctx.schedule.inFlight()} in flight, ${await ctx.schedule.size()} scheduled`,
  );
  for (const e of await ctx.schedule.upcoming(5))
    out(`  next ${e.at.toISOString()}  ${e.externalId}`);
  out('accounts');
  const accounts = await models.Account.find({}).lean();
  if (accounts.length === 0) out('  none: add one with "npm run collector -- accounts add"');
  for (const a of accounts) {
    out(
      `  ${a.platform.padEnd(9)} ${a.externalId.padEnd(24)} token ${a.tokenStatus.padEnd(23)} ${a.enabled ? 'enabled' : 'disabled'}  last discovery ${a.lastDiscoveredAt?.toISOString() ?? 'never'}`,
    );
  }
  out('last harvest runs');
  const runs = await models.HarvestRun.find({}).sort({ startedAt: -1 }).limit(8).lean();
  if (runs.length === 0) out('  none yet');
  for (const r of runs) {
    out(
      `  ${r.startedAt.toISOString()} ${r.platform.padEnd(9)} ${r.status.padEnd(7)} ${r.postsAnswered}/${r.postsAsked} posts, ${r.apiCalls} call(s), ${r.durationMs ?? '?'} ms`,
    );
  }
}

export function buildProgram(out: Out): Command {
  const program = new Command('npm run collector --')
    .description('Reachline collector')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out(s.trimEnd()),
      writeErr: (s) => process.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('run the collector: discovery and harvest ticks, workers, /healthz and /metrics')
    .action(async () => {
      await import('./main');
    });

  program
    .command('harvest-now')
    .description('harvest now (every post in a story, or one platform, or one post) and wait')
    .addOption(platformOption('--platform <platform>', 'only this platform'))
    .option('--post <id>', 'only this post: its store id, or the platform id with --platform')
    .action(async (opts: { platform?: Platform; post?: string }) => {
      await withRuntime(true, (rt, models) => harvestNow(rt, models, opts, out));
    });

  program
    .command('backfill')
    .description('list every account again from a date, then harvest what it found')
    .requiredOption('--since <date>', 'YYYY-MM-DD (Bangkok)', parseDate)
    .action(async (opts: { since: Date }) => {
      await withRuntime(true, (rt, models) => backfill(rt, models, opts.since, out));
    });

  program
    .command('status')
    .description('queues, failed jobs, schedule, accounts and their tokens, last harvest runs')
    .action(async () => {
      await withRuntime(false, (rt, models) => status(rt, models, out));
    });

  program
    .command('report')
    .description("print a month's progress entry as filed, or the whole project page")
    .requiredOption('--month <YYYY-MM>', 'the month (its fiscal year for --page)', parseMonth)
    .option('--project <slug>', 'the project (default: the first)')
    .option('--page', 'the whole project page of the fiscal year instead of one entry')
    .option('--as-of <date>', 'draw the page as on this day (YYYY-MM-DD; default today)', parseDate)
    .addOption(
      new Option('--format <format>', 'output format').choices(['txt', 'docx']).default('txt'),
    )
    .option('--out <file>', 'write to this file instead of standard output (needed for docx)')
    .action(
      async (opts: {
        month: string;
        project?: string;
        page?: boolean;
        asOf?: Date;
        format: 'txt' | 'docx';
        out?: string;
      }) => {
        if (opts.format === 'docx' && !opts.out)
          throw new UsageError('--format docx writes a file: add --out FILE.docx.');
        const config = loadConfig(process.env, { require: ['MONGODB_URI'] });
        const store = await connectStore(config.MONGODB_URI);
        try {
          const models = createModels(store);
          const text = await reportTextFor(models, opts);
          if (opts.format === 'docx') {
            writeFileSync(opts.out!, await reportDocx(text, `Reachline ${opts.month}`));
            out(`written ${opts.out}`);
          } else if (opts.out) {
            writeFileSync(opts.out, `${text}\n`);
            out(`written ${opts.out}`);
          } else out(text);
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('backup')
    .description(
      "write a compressed copy of the whole store to a new file, the collector's queues paused",
    )
    .requiredOption('--out <file>', 'the file to write, e.g. reachline-2026-11-27.ndjson.gz')
    .action(async (opts: { out: string }) => {
      await backup(opts.out, out);
    });

  program
    .command('restore')
    .description('restore a backup file into an empty store (checks the whole file first)')
    .requiredOption('--in <file>', 'the backup file')
    .action(async (opts: { in: string }) => {
      await restore(opts.in, out);
    });

  const accounts = program.command('accounts').description('connected platform accounts');
  accounts
    .command('add')
    .description('add an account (or replace its token); the token is read from standard input')
    .addOption(platformOption('--platform <platform>', 'the platform').makeOptionMandatory())
    .requiredOption('--id <externalId>', "the platform's id of the page, channel or account")
    .requiredOption('--name <name>', 'a name to show')
    .action(async (opts: { platform: Platform; id: string; name: string }) => {
      const config = loadConfig(process.env, { require: ['MONGODB_URI', 'TOKEN_ENCRYPTION_KEY'] });
      const token = await readToken(`token for ${opts.platform} ${opts.id} (not shown): `);
      if (token === '')
        throw new UsageError('no token given: pipe it in or type it at the prompt.');
      const store = await connectStore(config.MONGODB_URI);
      try {
        const models = createModels(store);
        await ensureIndexes(models);
        const id = await addAccount(models, config.TOKEN_ENCRYPTION_KEY, {
          platform: opts.platform,
          externalId: opts.id,
          displayName: opts.name,
          token,
        });
        out(
          `account ${opts.platform} ${opts.id} saved (${String(id)}); its token is stored sealed and will not be shown again.`,
        );
      } finally {
        await store.close();
      }
    });
  accounts
    .command('list')
    .description('list accounts and their token state (never the tokens)')
    .action(async () => {
      const config = loadConfig(process.env, { require: ['MONGODB_URI'] });
      const store = await connectStore(config.MONGODB_URI);
      try {
        const list = await createModels(store).Account.find({}).lean();
        if (list.length === 0) out('no accounts yet: add one with "accounts add".');
        for (const a of list)
          out(
            `${a.platform}\t${a.externalId}\t${a.displayName}\ttoken ${a.tokenStatus}\t${a.enabled ? 'enabled' : 'disabled'}`,
          );
      } finally {
        await store.close();
      }
    });
  accounts
    .command('remove')
    .description('remove an account; its posts and their history stay')
    .addOption(platformOption('--platform <platform>', 'the platform').makeOptionMandatory())
    .requiredOption('--id <externalId>', "the platform's id")
    .action(async (opts: { platform: Platform; id: string }) => {
      const config = loadConfig(process.env, { require: ['MONGODB_URI'] });
      const store = await connectStore(config.MONGODB_URI);
      try {
        const r = await createModels(store).Account.deleteOne({
          _id: accountObjectId(opts.platform, opts.id),
        });
        if (r.deletedCount === 0)
          throw new UsageError(`no ${opts.platform} account ${opts.id}: see "accounts list".`);
        out(`account ${opts.platform} ${opts.id} removed; its posts are no longer harvested.`);
      } finally {
        await store.close();
      }
    });
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(
  argv: string[],
  out: Out = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; a usage error has already been printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`reachline collector: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`reachline collector: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`reachline collector: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}
