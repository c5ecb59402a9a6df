// Injected faults of the GitHub stand-in: canned responses, dropped connections and delays
// for the next matching requests.

/**
 * @typedef {object} FaultSpec
 * @property {string} [method] HTTP method to match (any when omitted)
 * @property {string | RegExp} path exact request path (no query string), or a pattern for it
 * @property {number} [times] how many matching requests get the fault (default 1)
 * @property {number} [skip] how many matching requests to let through first (default 0)
 * @property {{ status: number, headers?: Record<string, string>, body?: unknown }
 *   | 'drop' | { delayMs: number } | { until: Promise<unknown> }
 *   | (() => { status: number, headers?: Record<string, string>, body?: unknown })} response
 *   what those requests get instead; a function is asked when the request arrives (to answer
 *   with something only known then, such as a misbehaving API echoing a stored value); `until`
 *   holds the request until the promise settles, then answers it as usual
 */

function checkSpec({ path, response, times = 1, skip = 0 }) {
  if (typeof path !== 'string' && !(path instanceof RegExp)) {
    throw new TypeError('injectFault: path must be a string or a RegExp');
  }
  const valid =
    typeof response === 'function' ||
    response === 'drop' ||
    Number.isInteger(response?.status) ||
    (typeof response?.delayMs === 'number' && response.delayMs >= 0) ||
    response?.until instanceof Promise;
  if (!valid)
    throw new TypeError(
      'injectFault: response must be { status }, "drop", { delayMs } or { until }',
    );
  if (!Number.isInteger(times) || times < 1 || !Number.isInteger(skip) || skip < 0) {
    throw new TypeError('injectFault: times must be >= 1 and skip >= 0');
  }
}

function matches(fault, method, path) {
  if (fault.method !== undefined && fault.method !== method) return false;
  if (typeof fault.path === 'string') return fault.path === path;
  fault.path.lastIndex = 0;
  return fault.path.test(path);
}

export function createFaults() {
  const faults = [];
  return {
    /** @param {FaultSpec} spec */
    add(spec) {
      checkSpec(spec);
      const { method, path, response, times = 1, skip = 0 } = spec;
      faults.push({ method: method?.toUpperCase(), path, response, times, skip });
    },

    /** The fault response for this request, consuming one use of it; undefined for none. */
    take(method, path) {
      for (const [index, fault] of faults.entries()) {
        if (!matches(fault, method, path)) continue;
        if (fault.skip > 0) {
          fault.skip -= 1;
          continue;
        }
        fault.times -= 1;
        if (fault.times === 0) faults.splice(index, 1);
        return fault.response;
      }
      return undefined;
    },

    clear() {
      faults.length = 0;
    },
  };
}
