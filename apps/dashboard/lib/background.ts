import 'server-only';
import { ensureFirstAdmin } from './auth/bootstrap';
import { getReadModel } from './live/readModel';

function log(message: string): void {
  process.stdout.write(
    `${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: message })}\n`,
  );
}

/**
 * Start-up work that needs the store (the first admin, then the read model); retried every 5 s
 * while the store does not answer.
 */
export function startBackgroundWork(): void {
  const attempt = async (): Promise<void> => {
    try {
      const admin = await ensureFirstAdmin();
      if (admin === 'created') log('first admin created from ADMIN_EMAIL');
      // Load the stories and subscribe to the collector's events now, not at the first page:
      // the page cache serves nothing until this process hears of every change.
      void getReadModel().catch(() => undefined);
    } catch (err) {
      log(`first-admin check postponed: ${(err as Error).message.split('\n')[0]}`);
      setTimeout(() => void attempt(), 5_000).unref();
    }
  };
  void attempt();
}
