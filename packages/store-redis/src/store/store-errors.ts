import { CadenzaError, type ErrorCode, StaleEpochError } from '@cadenza/core';
import type { ChainableCommander } from 'ioredis';
import { execAll } from '../context.js';

/** Executes a pipeline, turning script refusals and connection faults into CadenzaErrors. */
export async function runPipeline(pipeline: ChainableCommander, epoch?: number): Promise<unknown[]> {
  try {
    return await execAll(pipeline);
  } catch (error) {
    throw storeError(error, epoch);
  }
}

const REFUSALS: Record<string, ErrorCode> = {
  conflict: 'conflict',
  invalid_argument: 'invalid_argument',
  not_found: 'not_found',
};

/** Maps an error from Redis or ioredis to what the Store interface promises. */
export function storeError(error: unknown, epoch?: number): Error {
  if (error instanceof CadenzaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Script errors arrive as "ERR user_script:12: <code> <message> script: …" or plain "<code> …".
  const refusal = /(?:^|\s)(conflict|invalid_argument|not_found|stale_epoch)(?: ([^\n]*?))?(?: script: .*)?$/.exec(
    message,
  );
  if (refusal !== null) {
    const [, code = '', text = ''] = refusal;
    if (code === 'stale_epoch') return new StaleEpochError(epoch ?? Number(text), undefined);
    return new CadenzaError(REFUSALS[code] ?? 'conflict', text);
  }
  if (message === 'Command timed out')
    return new CadenzaError(
      'unavailable',
      'redis did not answer in time (commandTimeoutMs): it is stuck or overloaded',
      {
        cause: error,
      },
    );
  if (isConnectionFault(message))
    return new CadenzaError('unavailable', `redis is unavailable: ${message}`, { cause: error });
  return error instanceof Error ? error : new Error(message);
}

function isConnectionFault(message: string): boolean {
  return (
    /Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request|Stream isn't writeable|LOADING|enableOfflineQueue|connect/i.test(
      message,
    ) || isClusterFault(message)
  );
}

/**
 * A Redis Cluster between two states: a slot half moved to another primary (TRYAGAIN),
 * a primary failed and not yet replaced (CLUSTERDOWN), a slot map out of date (MOVED,
 * ASK, ioredis's own refusals while it refreshes one). Nothing ran, or what ran is asked
 * again the way a lost connection's calls are: `unavailable`, and the caller retries.
 */
function isClusterFault(message: string): boolean {
  return /^(TRYAGAIN|CLUSTERDOWN|MOVED|ASK) |slots allocation group|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready/.test(
    message,
  );
}
