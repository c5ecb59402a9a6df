/**
 * Problems as the lines a person reads: "config.yml:12: users[0].name: message", in file order,
 * the line found by walking the problem's path through the YAML document.
 */
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import { pathText, type Problem } from './problem.js';

/** A node's start offset in the text, when the document knows it. */
type Ranged = { range?: [number] } | undefined;

export function formatProblems(
  problems: readonly Problem[],
  doc: Document,
  lineCounter: LineCounter,
  source: string,
): string[] {
  const located = problems.map((problem) => ({ problem, line: lineOf(problem, doc, lineCounter) }));
  // Stable sort: in file order, problems on one line in the order they were found.
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return located.map(({ problem, line }) => {
    const where = line === undefined ? source : `${source}:${line}`;
    const path = pathText(problem.path);
    return path ? `${where}: ${path}: ${problem.message}` : `${where}: ${problem.message}`;
  });
}

/** The line of the node at the path, or of its nearest ancestor the document has. */
function lineOf(problem: Problem, doc: Document, lineCounter: LineCounter): number | undefined {
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(problem.path.slice(0, depth), true);
    const keyNode = depth === problem.path.length ? keyNodeOf(node, problem.key) : undefined;
    const offset = (keyNode ?? (node as Ranged))?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return undefined;
}

/** The key's own node in the mapping, so an unknown key is reported on its line. */
function keyNodeOf(node: unknown, key: string | undefined): Ranged {
  if (key === undefined || !isMap(node)) return undefined;
  const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return isScalar(pair?.key) ? (pair.key as Ranged) : undefined;
}
