/**
 * A platform that changes its answer shape must give a clear PlatformError, never a TypeError.
 * The simulator always answers the documented shapes, so this file stands up a tiny HTTP server
 * of its own that answers 200 with JSON of the wrong shape on every path (a changed platform, not
 * a stand-in for the simulator).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLATFORMS } from '@reachline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index';
import { discoverAll, platformErrorOf } from './helpers';

const WRONG = JSON.stringify({
  data: 5,
  items: 'none',
  overview: [],
  customAggregationUnits: { a: 1 },
  error: { code: 'ok', message: '' },
});

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(WRONG);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe.each(PLATFORMS)('%s answering an unexpected shape', (platform) => {
  const account = { platform, externalId: '12345', token: 'tok_0123456789abcdef' };

  it('readReach fails with retry and says which field', async () => {
    const e = await platformErrorOf(
      createConnector(platform, { baseUrl: base }).readReach(account, ['1', '2']),
    );
    expect(e.failureClass).toBe('retry');
    expect(e.details.code).toBe('unexpected_shape');
    expect(e.message).toMatch(/unexpected shape \(.+ is not (an array|an object)/);
    expect(e.message).not.toContain(account.token);
  });

  it('discovery fails with retry and says which field', async () => {
    const e = await platformErrorOf(
      discoverAll(createConnector(platform, { baseUrl: base }), account),
    );
    expect(e.failureClass).toBe('retry');
    expect(e.details.code).toBe('unexpected_shape');
  });
});
