/**
 * YAML text -> document and plain data. Syntax errors stop here, with line and column, since
 * nothing after them can be trusted.
 */
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { ConfigError } from './config-error.js';

export interface ParsedFile {
  readonly doc: Document;
  /** Turns the document's offsets into line numbers for the problem lines. */
  readonly lineCounter: LineCounter;
  readonly data: unknown;
}

/** Parses the text; throws ConfigError listing every syntax error in it. */
export function parseFile(text: string, source: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((error) => syntaxProblem(error, source)),
    );
  }
  return { doc, lineCounter, data: documentData(doc, source) };
}

/** "config.yml:3:5: message": the pretty suffix yaml adds repeats the position over lines. */
function syntaxProblem(error: YAMLError, source: string): string {
  const message = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  const pos = error.linePos?.[0];
  return pos ? `${source}:${pos.line}:${pos.col}: ${message}` : `${source}: ${message}`;
}

function documentData(doc: Document, source: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    // e.g. alias expansion past yaml's limit ("billion laughs"): not a shape problem.
    throw new ConfigError(source, [`${source}: ${(error as Error).message}`]);
  }
}
