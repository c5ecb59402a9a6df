// A reverse proxy in front of moto that counts IAM/STS calls by action (and by the key that
// signed them) and can inject faults: AWS error responses, dropped connections, delays.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

/** A Query-protocol error body, as IAM and STS send them. */
export function awsErrorXml(code, message, type = 'Sender') {
  return (
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

function actionOf(body) {
  return new URLSearchParams(body).get('Action') ?? 'Unknown';
}

function accessKeyOf(headers) {
  return /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1];
}

function forward(target, req, body, res) {
  const upstream = http.request(
    new URL(req.url, target),
    { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
    (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end(body);
  return new Promise((resolve) => res.on('close', resolve));
}

/**
 * @param {{ target: string }} options moto's endpoint
 * @returns {Promise<{ url: string, calls: { action: string, accessKeyId?: string, status: number,
 *   fault?: boolean }[], countByAction: () => Record<string, number>,
 *   injectFault: (fault: { action: string, times?: number, skip?: number,
 *     response: { status: number, body?: string, headers?: Record<string,string> } | 'drop'
 *       | { delayMs: number } }) => void, reset: () => void, close: () => Promise<void> }>}
 */
export async function startAwsProxy({ target }) {
  const calls = [];
  let faults = [];
  const sockets = new Set();

  function takeFault(action) {
    const fault = faults.find((f) => f.action === action && f.times > 0);
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.times -= 1;
    return fault.response;
  }

  async function handle(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const call = {
      action: actionOf(body.toString()),
      accessKeyId: accessKeyOf(req.headers),
      status: 0,
    };
    calls.push(call);
    const fault = takeFault(call.action);
    if (fault === 'drop') {
      call.fault = true;
      req.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      call.fault = true;
      call.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/xml', ...fault.headers });
      res.end(fault.body ?? awsErrorXml('InternalFailure', 'injected fault', 'Receiver'));
      return;
    }
    if (fault) {
      call.fault = true;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    res.on('finish', () => (call.status = res.statusCode));
    await forward(target, req, body, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    countByAction() {
      const counts = {};
      for (const call of calls) counts[call.action] = (counts[call.action] ?? 0) + 1;
      return counts;
    },
    injectFault({ action, times = 1, skip = 0, response }) {
      faults.push({ action, times, skip, response });
    },
    reset() {
      calls.length = 0;
      faults = [];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
