import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueConnection, refusedAccess } from '../lib/queue/redis-url';

// The --queue URL: a Redis on another machine must ask for a password, and the password is never shown.

test('a Redis on this machine may go without a password; every connection waits out a Redis restart', () => {
  for (const url of ['redis://127.0.0.1:6379', 'redis://localhost:6391', 'redis://[::1]:6379', 'redis://127.0.0.2']) {
    const { connection, shown } = queueConnection(url);
    assert.equal(connection.maxRetriesPerRequest, null);
    assert.equal(shown, url);
  }
});

test('a Redis on another machine without a password is refused, saying why and what to do', () => {
  for (const url of ['redis://10.0.0.5:6379', 'redis://queue.example.org:6379', 'rediss://queue.example.org', 'redis://user@10.0.0.5:6379']) {
    assert.throws(() => queueConnection(url), /Refusing .*must ask for a password.*redis:\/\/HOST:PORT/);
  }
});

test('a password or ACL user and TLS are taken, and the password is never in what is shown or thrown', () => {
  const secret = 'p%40ss-zz-9931';
  for (const url of [`redis://:${secret}@10.0.0.5:6379`, `rediss://worker:${secret}@queue.example.org:6380/2`]) {
    const { connection, shown } = queueConnection(url);
    assert.equal(connection.url, url);
    assert.ok(!shown.includes(secret) && shown.includes(':***@'), shown);
  }
  for (const url of [`http://:${secret}@10.0.0.5`, `redis//:${secret}@10.0.0.5`]) {
    assert.throws(() => queueConnection(url), (error: Error) => !error.message.includes(secret) && /redis:\/\/HOST:PORT/.test(error.message));
  }
});

test('a refused password or an untrusted certificate ends the command with a message, while a Redis that is away is waited for', () => {
  assert.match(refusedAccess(new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'redis://:***@h:1') ?? '', /^Redis at redis:\/\/:\*\*\*@h:1 refused this connection \(WRONGPASS .*\): check the password/);
  assert.match(refusedAccess(new Error('NOAUTH Authentication required.'), 'redis://h:1') ?? '', /NOAUTH Authentication required\)/);
  assert.equal(refusedAccess(new Error('connect ECONNREFUSED 127.0.0.1:6391'), 'redis://127.0.0.1:6391'), null);
  const untrusted = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  assert.match(refusedAccess(untrusted, 'rediss://h:1') ?? '', /certificate of Redis at rediss:\/\/h:1 is not trusted \(self-signed certificate\): .*NODE_EXTRA_CA_CERTS/);
});
