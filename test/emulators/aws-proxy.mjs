// A reverse proxy in front of moto that records IAM/STS calls by action (and by the key that
// signed them) and can inject faults: AWS error responses, dropped connections, delays.
// The AWS SDK v3 IAM and STS clients use the Query protocol: POST / with a form-encoded body
// holding Action=...; the proxy reads the action from there. Requests reach moto unchanged
// (Host header included), so moto's SigV4 checks still pass when auth is enforced.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody, startLocalServer } from './local-server.mjs';

const escapeXml = (text) =>
  String(text).replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c],
  );

/**
 * A Query-protocol error body, as IAM and STS send them. Real AWS pairs these codes with
 * these statuses: Throttling 400, ServiceUnavailable 503 (type Receiver), LimitExceeded 409,
 * NoSuchEntity 404, AccessDenied 403, InvalidClientTokenId 403.
 * @param {string} code e.g. `Throttling`
 * @param {string} message
 * @param {'Sender' | 'Receiver'} [type]
 * @returns {string}
 */
export function awsErrorXml(code, message, type = 'Sender') {
  return (
    '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>' +
    `<Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

/**
 * @typedef {object} AwsCall
 * @property {string} action the Query `Action`, e.g. `ListAccessKeys` (`Unknown` if none)
 * @property {string} [service] `iam` or `sts`, from the signature's credential scope
 * @property {string} [accessKeyId] the key that signed the request (SigV4 `Credential=`)
 * @property {number} status the HTTP status answered; 0 for a dropped connection (or while the
 *   answer is on its way)
 * @property {string} [user] the request's `UserName` parameter, when it has one
 * @property {boolean} [fault] set when an injected fault applied to this call
 *
 * @typedef {{ status: number, body?: string, headers?: Record<string, string> }} ErrorFault
 *   answered instead of forwarding (body defaults to an InternalFailure error)
 * @typedef {{ delayMs: number }} DelayFault waits, then forwards
 * @typedef {{ until: Promise<unknown> }} HoldFault waits until the promise settles, then forwards
 *   (a test opens it when another run has got somewhere, rather than guessing a delay)
 * @typedef {ErrorFault | 'drop' | DelayFault | HoldFault} FaultResponse `drop` closes the connection
 *
 * @typedef {object} FaultSpec
 * @property {string} action the action to fault, e.g. `CreateAccessKey`
 * @property {number} [times] how many matching calls to fault (1)
 * @property {number} [skip] how many matching calls to let through first (0)
 * @property {FaultResponse} response
 *
 * @typedef {object} AwsProxy
 * @property {string} url `http://127.0.0.1:PORT`: point AWS_ENDPOINT_URL_IAM and _STS here
 * @property {AwsCall[]} calls every request, in arrival order (faulted ones too)
 * @property {() => Record<string, number>} countByAction e.g. `{ ListAccessKeys: 1 }`
 * @property {(fault: FaultSpec) => void} injectFault faults apply in the order injected
 * @property {() => void} reset forgets the calls and the faults not yet used
 * @property {() => Promise<void>} close
 */

function credentialOf(headers) {
  // Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, ...
  const match = /Credential=([^/,\s]+)\/[^/]*\/[^/]*\/([^/,\s]+)\//.exec(
    headers.authorization ?? '',
  );
  return { accessKeyId: match?.[1], service: match?.[2] };
}

function checkFault({ action, times = 1, skip = 0, response }) {
  if (typeof action !== 'string' || action === '')
    throw new TypeError('injectFault: action must be an action name such as "CreateAccessKey"');
  const valid =
    response === 'drop' ||
    (typeof response === 'object' &&
      response !== null &&
      (Number.isInteger(response.status) ||
        Number.isFinite(response.delayMs) ||
        response.until instanceof Promise));
  if (!valid)
    throw new TypeError(
      'injectFault: response must be { status, body? }, "drop", { delayMs } or { until }',
    );
  if (!(Number.isInteger(times) && times >= 1 && Number.isInteger(skip) && skip >= 0))
    throw new TypeError('injectFault: times must be >= 1 and skip >= 0');
  return { action, times, skip, response };
}

/**
 * Starts the proxy on 127.0.0.1 (a port the kernel picks) in front of `target`.
 * @param {{ target: string }} options moto's endpoint, e.g. `http://127.0.0.1:5000`
 * @returns {Promise<AwsProxy>}
 */
export async function startAwsProxy({ target }) {
  const upstream = new URL(target);
  /** @type {AwsCall[]} */
  const calls = [];
  let faults = [];

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

  function forward(req, body, res) {
    return new Promise((resolve) => {
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers, // unchanged: moto checks the SigV4 signature over Host
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      request.on('error', () => res.destroy()); // moto gone: the client sees a network error
      res.on('close', resolve);
      request.end(body);
    });
  }

  async function handle(req, res) {
    const body = await readBody(req);
    const query = new URLSearchParams(body.toString('utf8'));
    const action = query.get('Action') ?? 'Unknown';
    /** @type {AwsCall} */
    const call = {
      action,
      ...credentialOf(req.headers),
      status: 0,
      user: query.get('UserName') ?? undefined,
    };
    calls.push(call);
    const fault = takeFault(action);
    if (fault !== undefined) call.fault = true;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      call.status = fault.status;
      res.writeHead(fault.status, {
        'content-type': 'text/xml',
        'x-amzn-requestid': randomUUID(),
        ...fault.headers,
      });
      res.end(fault.body ?? awsErrorXml('InternalFailure', 'injected fault', 'Receiver'));
      return;
    }
    if (fault?.until) await local.hold(fault.until);
    else if (fault) await local.wait(fault.delayMs);
    // A caller killed while its call was held never sees it land: no late change under a test's
    // next run.
    if (local.closing() || req.socket.destroyed) return;
    res.on('finish', () => (call.status = res.statusCode));
    await forward(req, body, res);
  }

  const local = await startLocalServer(handle);

  return {
    url: local.url,
    calls,
    countByAction() {
      /** @type {Record<string, number>} */
      const counts = {};
      for (const call of calls) counts[call.action] = (counts[call.action] ?? 0) + 1;
      return counts;
    },
    injectFault(fault) {
      faults.push(checkFault(fault));
    },
    reset() {
      calls.length = 0;
      faults = [];
    },
    close: () => local.close(),
  };
}
