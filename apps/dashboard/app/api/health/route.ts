import { NextResponse } from 'next/server';
import { pingStore } from '../../../lib/db';

export const dynamic = 'force-dynamic';

/** Liveness and store reachability, for compose health checks and operators. No session needed. */
export async function GET() {
  const store = await pingStore();
  return NextResponse.json(
    { status: store.ok ? 'ok' : 'degraded', store },
    { status: store.ok ? 200 : 503 },
  );
}
