// GitHub's page-based pagination: `page` and `per_page` query parameters, and a `link` header.

/**
 * The page and page size a request asks for (query values already coerced to numbers by the
 * spec check), within GitHub's bounds: per_page 1..100 (default 30), page from 1.
 * @param {Record<string, unknown>} query
 */
export function pageOf(query) {
  const page = Math.max(1, Number(query.page ?? 1));
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
  return { page, perPage };
}

/**
 * One page of `all`, and GitHub's pagination header, present only when there is more than one
 * page. `url` is the request URL without its query string.
 * @template T
 * @param {T[]} all
 * @param {{ page: number, perPage: number }} paging
 * @param {string} url
 * @returns {{ items: T[], headers: Record<string, string> }}
 */
export function paginate(all, { page, perPage }, url) {
  const items = all.slice((page - 1) * perPage, page * perPage);
  return { items, headers: linkHeader(url, page, perPage, all.length) };
}

/** GitHub's pagination header, present only when there is more than one page. */
export function linkHeader(url, page, perPage, total) {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1) return {};
  const link = (p, rel) => `<${url}?page=${p}&per_page=${perPage}>; rel="${rel}"`;
  const links = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return { link: links.join(', ') };
}
