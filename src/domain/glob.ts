import { invalid } from './errors.js';

/**
 * A list filter: a glob where `*` is any run of characters and `?` one character, matched
 * against the whole (lower-cased) field; every other character is literal.
 *
 * It becomes a LIKE pattern with `\` as the escape character, plus the literal prefix before
 * the first wildcard so that stores can turn it into an index range, and every literal run
 * between wildcards, which a trigram index can look up (`*smith*` holds "smith").
 */
export interface GlobMatch {
  like: string;
  prefix: string;
  runs: string[];
}

/** Each wildcard multiplies LIKE's backtracking; real filters need one or two. */
const MAX_WILDCARDS = 10;

export function compileGlob(glob: string): GlobMatch {
  if ([...glob].filter((ch) => ch === '*' || ch === '?').length > MAX_WILDCARDS) {
    throw invalid(`filter may hold at most ${MAX_WILDCARDS} wildcards (* or ?)`);
  }
  let like = '';
  let prefix = '';
  let literal = true;
  const runs = [''];
  for (const ch of glob.toLowerCase()) {
    if (ch === '*' || ch === '?') {
      literal = false;
      like += ch === '*' ? '%' : '_';
      if (runs.at(-1)) runs.push('');
      continue;
    }
    like += ch === '%' || ch === '_' || ch === '\\' ? `\\${ch}` : ch;
    if (literal) prefix += ch;
    runs[runs.length - 1] += ch;
  }
  return { like, prefix, runs: runs.filter(Boolean) };
}
