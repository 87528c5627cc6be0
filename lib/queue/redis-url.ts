import { isIP } from 'node:net';
import type { RedisOptions } from 'bullmq';

// The --queue URL -> BullMQ's connection options. Redis carries a cohort's file paths and results, so a Redis on another
// machine must ask for a password; the password is never printed.

const USAGE = 'Give the queue as redis://HOST:PORT, or rediss://HOST:PORT for TLS, with :PASSWORD@ (or USER:PASSWORD@ for a Redis ACL user) before the host.';

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export interface QueueConnection {
  connection: RedisOptions;
  /** The URL with its password hidden, to show. */
  shown: string;
}

export function queueConnection(url: string): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`The queue "${url.replace(/:[^:@/]*@/, ':***@')}" is not a URL. ${USAGE}`);
  }
  if (parsed.password) parsed.password = '***';
  const shown = parsed.toString();
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`The queue ${shown} is not a Redis URL. ${USAGE}`);
  if (!parsed.hostname) throw new Error(`The queue ${shown} names no host. ${USAGE}`);
  if (!parsed.password && !isLoopback(parsed.hostname)) {
    throw new Error(
      `Refusing ${shown}: a Redis on another machine holds the cohort's file paths and results, so it must ask for a password. ` +
        `Set requirepass (or an ACL user) on that Redis and ${USAGE.replace(/^Give/, 'give')}`,
    );
  }
  return {
    shown,
    connection: {
      url,
      // every connection, workers' and producers' alike, waits out a Redis restart instead of failing its commands
      maxRetriesPerRequest: null,
      // reconnect within a few seconds of Redis coming back (BullMQ's own default waits up to 20 s)
      retryStrategy: (attempt: number) => Math.min(500 * attempt, 3000),
    },
  };
}

/** A person's message when Redis refused the password or user, or its TLS certificate is not trusted: waiting would not help, unlike a Redis that is away. */
export function refusedAccess(error: Error, shown: string): string | null {
  if (/\b(WRONGPASS|NOAUTH|NOPERM)\b/.test(error.message)) {
    return `Redis at ${shown} refused this connection (${error.message.split(/[.;]/)[0]}): check the password or ACL user in the URL.`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test((error as NodeJS.ErrnoException).code ?? '')) {
    return `The TLS certificate of Redis at ${shown} is not trusted (${error.message}): give its CA's certificate as NODE_EXTRA_CA_CERTS=ca.pem.`;
  }
  return null;
}
