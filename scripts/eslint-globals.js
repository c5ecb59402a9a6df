// Node's globals, listed here so the lint config needs no extra package.
const names = [
  'process',
  'console',
  'Buffer',
  'URL',
  'URLSearchParams',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'AbortController',
  'AbortSignal',
  'fetch',
  'TextEncoder',
  'TextDecoder',
  'structuredClone',
  'queueMicrotask',
  'performance',
  'Response',
];
export default Object.fromEntries(names.map((name) => [name, 'readonly']));
