// Reads every import of the project's TypeScript sources with the TypeScript parser, so the
// import rules (import-rules.ts) can tell a type-only import from one that runs.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to the root, with "/" separators. */
  from: string;
  /** Imported file relative to the root, or null for a package or builtin. */
  to: string | null;
  specifier: string;
  /** Erased at compile time: `import type`, `export type`, all-`type` named imports, `typeof import()`. */
  typeOnly: boolean;
  line: number;
}

const EXTS = [".ts", ".tsx", ".mts", ".mjs", ".js"];

function resolveFile(root: string, target: string): string {
  const abs = path.join(root, target);
  if (existsSync(abs) && !abs.endsWith("/") && EXTS.some((e) => abs.endsWith(e))) return target;
  for (const ext of EXTS) if (existsSync(abs + ext)) return target + ext;
  for (const ext of EXTS)
    if (existsSync(path.join(abs, `index${ext}`))) return `${target}/index${ext}`;
  return target;
}

/** The root-relative file a specifier names, or null when it names a package. */
export function resolveSpecifier(root: string, from: string, specifier: string): string | null {
  if (specifier.startsWith("@/"))
    return resolveFile(root, path.posix.normalize(specifier.slice(2)));
  if (
    specifier === "." ||
    specifier === ".." ||
    specifier.startsWith("./") ||
    specifier.startsWith("../")
  ) {
    return resolveFile(
      root,
      path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)),
    );
  }
  return null;
}

function allTypeNamed(
  clause: ts.NamedImportBindings | ts.NamedExportBindings | undefined,
): boolean {
  if (!clause || !("elements" in clause)) return false;
  return clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** Every import and re-export in one source text. */
export function importsOf(root: string, file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, spec: string, typeOnly: boolean) =>
    edges.push({
      from: file,
      to: resolveSpecifier(root, file, spec),
      specifier: spec,
      typeOnly,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause && (clause.isTypeOnly || (!clause.name && allTypeNamed(clause.namedBindings)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly || allTypeNamed(node.exportClause));
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0] as ts.Node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require") ||
        (ts.isPropertyAccessExpression(node.expression) &&
          ["mock", "doMock", "importActual"].includes(node.expression.name.text)))
    ) {
      add(node, (node.arguments[0] as ts.StringLiteral).text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function readImports(root: string, files: string[]): ImportEdge[] {
  return files.flatMap((file) =>
    importsOf(root, file, readFileSync(path.join(root, file), "utf8")),
  );
}
