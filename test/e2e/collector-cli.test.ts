/**
 * `npm run collector -- …` as a person runs it: accounts are added with the token on standard
 * input (sealed in the store, never printed), listed without tokens, removed; bad flags get a
 * usage line and exit 2; a missing setting gets one sentence and exit 1.
 */
import { randomBytes } from 'node:crypto';
import { accountObjectId, createModels } from '@reachline/shared/models';
import { describe, expect, it } from 'vitest';
import { runCollectorCli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const KEY = randomBytes(32).toString('hex');
const TOKEN = `EAAGtest${randomBytes(12).toString('hex')}`;

const cli = runCollectorCli;

describe('collector CLI', () => {
  it('adds an account from a token on stdin, seals it, and never prints it', async () => {
    const env = { MONGODB_URI: db.mongoUri, TOKEN_ENCRYPTION_KEY: KEY };
    const add = await cli(
      ['accounts', 'add', '--platform', 'facebook', '--id', '1049', '--name', 'กทม.'],
      env,
      `${TOKEN}\n`,
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/account facebook 1049 saved .*will not be shown again/);
    const stored = await createModels(db.connection)
      .Account.findById(accountObjectId('facebook', '1049'))
      .lean();
    expect(stored?.encryptedToken).toMatch(/^v1:/);
    expect(stored?.encryptedToken).not.toContain(TOKEN);

    const list = await cli(['accounts', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^facebook\t1049\tกทม\.\ttoken ok\tenabled$/m);
    expect(`${add.stdout}${list.stdout}${list.stderr}`).not.toContain(TOKEN);

    const remove = await cli(['accounts', 'remove', '--platform', 'facebook', '--id', '1049'], env);
    expect(remove.code).toBe(0);
    const again = await cli(['accounts', 'remove', '--platform', 'facebook', '--id', '1049'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'reachline collector: no facebook account 1049: see "accounts list".\n',
    );
  }, 120_000);

  it.each([
    [
      ['harvest-now', '--platform', 'myspace'],
      /argument 'myspace' is invalid\. Allowed choices are facebook/,
    ],
    [['backfill', '--since', '2021-13-01'], /expected a date as YYYY-MM-DD/],
    [['backfill'], /required option '--since <date>' not specified/],
    [['fly'], /unknown command 'fly'/],
  ])(
    'refuses %j with a usage line and exit 2',
    async (args, message) => {
      const run = await cli(args, {});
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );

  it('stops with one sentence when a setting is missing', async () => {
    const run = await cli(['status'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'reachline collector: MONGODB_URI is missing: set it to a mongodb:// connection string\n',
    );
  }, 60_000);
});
