// The GraphQL documents the app sends: every graphql`…` template (app/shopify/documents.ts) in
// the app's source, for the schema test and the access-scope test.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export interface FoundDocument {
  file: string;
  source: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Finds graphql`…` templates in the source under `root`. */
export function findDocuments(root: string): FoundDocument[] {
  return sourceFiles(root).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/\bgraphql`([^`]*)`/g)].map((match) => ({
      file: path.relative(process.cwd(), file),
      source: match[1] ?? "",
    }));
  });
}
