/**
 * Caches an async lookup per key, sharing the in-flight promise between
 * concurrent callers; a failed lookup is forgotten so a later call retries it.
 */
export function memoizeAsync<K, V>(
  load: (key: K) => Promise<V>,
  keyOf: (key: K) => string,
): (key: K) => Promise<V> {
  const cache = new Map<string, Promise<V>>();
  return (key) => {
    const id = keyOf(key);
    const cached = cache.get(id);
    if (cached) return cached;
    const pending = load(key);
    cache.set(id, pending);
    pending.catch(() => cache.delete(id));
    return pending;
  };
}
