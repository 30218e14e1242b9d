import 'server-only';
import { ensureFirstAdmin } from './auth/bootstrap';

function log(message: string): void {
  process.stdout.write(
    `${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: message })}\n`,
  );
}

/** Start-up work that needs the store; retried every 5 s while the store does not answer. */
export function startBackgroundWork(): void {
  const attempt = async (): Promise<void> => {
    try {
      const admin = await ensureFirstAdmin();
      if (admin === 'created') log('first admin created from ADMIN_EMAIL');
    } catch (err) {
      log(`first-admin check postponed: ${(err as Error).message.split('\n')[0]}`);
      setTimeout(() => void attempt(), 5_000).unref();
    }
  };
  void attempt();
}
