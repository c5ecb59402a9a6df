// The HTTP plumbing the local emulators share: a server on a loopback port the kernel picks,
// delays that end early when the server closes, and a close that drops open connections (so a
// test never waits for a client that holds a connection open).
import http from 'node:http';

/**
 * @typedef {object} LocalServer
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {(ms: number) => Promise<void>} wait resolves after `ms`, or at once on close
 * @property {(until: Promise<unknown>) => Promise<void>} hold resolves once `until` settles, or at
 *   once on close
 * @property {() => boolean} closing true once close() was called
 * @property {() => Promise<void>} close stops listening, ends waits, drops connections; idempotent
 */

/**
 * Starts `handle` on 127.0.0.1. A handler that throws gets its connection dropped.
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} handle
 * @returns {Promise<LocalServer>}
 */
export async function startLocalServer(handle) {
  const sockets = new Set();
  const waits = new Set();
  let closed = false;
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    closing: () => closed,
    wait(ms) {
      return new Promise((resolve) => {
        const entry = {
          resolve,
          timer: setTimeout(() => {
            waits.delete(entry);
            resolve();
          }, ms),
        };
        waits.add(entry);
      });
    },
    hold(until) {
      return new Promise((resolve) => {
        const entry = { resolve, timer: undefined };
        waits.add(entry);
        const release = () => {
          waits.delete(entry);
          resolve();
        };
        until.then(release, release);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of waits) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      waits.clear();
      const stopped = new Promise((resolve) => server.close(() => resolve(undefined)));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** A request's whole body. */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}
